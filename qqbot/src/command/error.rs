//! What can go wrong while dispatching: one typed error, routed to the command's `on_error`, then the app's
//! `on_error`, then a default that replies in the app's language.
//!
//! The default never shows a chat user the English `Display` of an error: it replies a translated text chosen by
//! the error's kind (and, for the framework's own [`Error`], by its variant) and logs the error in full.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;

use super::ctx::Ctx;
use crate::error::Error;
use crate::event::Scene;
use crate::i18n::{ArgKindText, Lang, Text};

/// A handler's own error, type-erased: any `std::error::Error + Send + Sync` (`qqbot::Error`, `std::io::Error`,
/// an `anyhow::Error` converted with `.into()`, a `String` …). Recover the concrete type with `downcast_ref`.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An error hook: `async fn(Ctx, CommandError) -> Result<(), CommandError>`. `Ok(())` means handled; `Err` passes
/// the error on (possibly changed) to the next hook, and finally to the default.
pub type OnError = Arc<dyn Fn(Ctx, CommandError) -> BoxFuture<'static, Result<(), CommandError>> + Send + Sync>;

/// Wraps an async function as an [`OnError`] hook.
pub(crate) fn on_error_hook<F, Fut>(f: F) -> OnError
where
    F: Fn(Ctx, CommandError) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<(), CommandError>> + Send + 'static,
{
    Arc::new(move |ctx, err| Box::pin(f(ctx, err)))
}

/// Everything that can go wrong between a message and a command's reply.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CommandError {
    /// A typed argument did not parse.
    #[error("command `{command}`: argument `{param}` expects {expected:?}, got {got:?}")]
    BadArgument {
        /// The command's name.
        command: String,
        /// The parameter's name.
        param: &'static str,
        /// What the parameter expects.
        expected: ArgKindText,
        /// What the user wrote.
        got: String,
        /// The command's usage line, in the app's language.
        usage: String,
        /// The command's summary (first paragraph of its help).
        summary: String,
    },
    /// A required argument was missing (too few arguments).
    #[error("command `{command}`: missing argument `{param}` ({expected:?})")]
    MissingArgument {
        /// The command's name.
        command: String,
        /// The parameter's name.
        param: &'static str,
        /// What the parameter expects.
        expected: ArgKindText,
        /// The command's usage line, in the app's language.
        usage: String,
        /// The command's summary.
        summary: String,
    },
    /// Text was left after the last argument (too many arguments).
    #[error("command `{command}`: unexpected arguments `{extra}`")]
    TooManyArguments {
        /// The command's name.
        command: String,
        /// The text left over.
        extra: String,
        /// The command's usage line, in the app's language.
        usage: String,
        /// The command's summary.
        summary: String,
    },
    /// A non-admin used an admin-only command.
    #[error("command `{command}` is for admins only")]
    PermissionDenied {
        /// The command's name.
        command: String,
        /// The command's `admin_error_msg`, replied by default when set.
        message: Option<String>,
    },
    /// The command is not valid in the scene it was used in.
    #[error("command `{command}` is not valid in {scene} (valid: {allowed:?})")]
    SceneMismatch {
        /// The command's name.
        command: String,
        /// Where it was used.
        scene: Scene,
        /// Where it is valid.
        allowed: Scene,
    },
    /// A handler waited for the user's reply (`ctx.wait_reply`) and none came in time.
    #[error("no reply within {0:?}")]
    PromptTimeout(Duration),
    /// The handler returned an error: its own value, boxed.
    #[error("handler `{command}` failed: {source}")]
    Handler {
        /// The command's (or event handler's) name.
        command: String,
        /// The handler's error.
        #[source]
        source: BoxError,
    },
    /// The handler panicked (caught; the bot goes on).
    #[error("handler `{command}` panicked: {message}")]
    Panic {
        /// The command's (or event handler's) name.
        command: String,
        /// The panic message.
        message: String,
    },
    /// The bot is shutting down: a wait or call was cancelled.
    #[error("the bot is shutting down")]
    ShuttingDown,
    /// The handler declined with a text written for the user ([`CommandError::refuse`]); the default replies it
    /// as is.
    #[error("{0}")]
    Refused(String),
}

impl CommandError {
    /// The error a handler returned, classified: a `CommandError` the handler returned itself stays what it is;
    /// the framework's prompt timeout and shutdown become their own kinds; everything else is
    /// [`CommandError::Handler`] keeping the value.
    pub fn from_handler(command: impl Into<String>, source: BoxError) -> Self {
        let source = match source.downcast::<CommandError>() {
            Ok(own) => return *own,
            Err(other) => other,
        };
        match source.downcast::<Error>() {
            Ok(e) => match *e {
                Error::PromptTimeout(after) => CommandError::PromptTimeout(after),
                Error::ShuttingDown => CommandError::ShuttingDown,
                other => CommandError::Handler { command: command.into(), source: Box::new(other) },
            },
            Err(source) => CommandError::Handler { command: command.into(), source },
        }
    }

    /// A refusal whose text the user should read as is: return it from a handler
    /// (`-> Result<String, CommandError>`) when the error is the user's, such as a number out of range. Plain
    /// `Err(String)` values are treated as internal errors and not shown.
    pub fn refuse(message: impl Into<String>) -> Self {
        CommandError::Refused(message.into())
    }

    /// The name of the command (or event handler) it happened in, when known.
    pub fn command(&self) -> Option<&str> {
        match self {
            CommandError::BadArgument { command, .. }
            | CommandError::MissingArgument { command, .. }
            | CommandError::TooManyArguments { command, .. }
            | CommandError::PermissionDenied { command, .. }
            | CommandError::SceneMismatch { command, .. }
            | CommandError::Handler { command, .. }
            | CommandError::Panic { command, .. } => Some(command),
            CommandError::PromptTimeout(_) | CommandError::ShuttingDown | CommandError::Refused(_) => None,
        }
    }

    /// The handler's own error, for [`CommandError::Handler`].
    pub fn handler_error(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        match self {
            CommandError::Handler { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }

    /// The handler's own error as `T`, if it is one: `err.downcast_ref::<qqbot::Error>()`.
    pub fn downcast_ref<T: std::error::Error + 'static>(&self) -> Option<&T> {
        self.handler_error().and_then(|e| e.downcast_ref::<T>())
    }

    /// Whether the command was skipped rather than run (scene mismatch, or admin-only without an
    /// `admin_error_msg`): the default replies to these only when the message was addressed to the bot.
    pub fn is_skip(&self) -> bool {
        matches!(self, CommandError::SceneMismatch { .. } | CommandError::PermissionDenied { message: None, .. })
    }

    /// What the default reply says, in `lang`. Never the `Display` of an internal error.
    pub fn default_reply(&self, lang: Lang) -> String {
        let with_usage = |problem: String, usage: &str, summary: &str| {
            let mut text = problem;
            text.push('\n');
            text.push_str(&Text::Usage(usage).render(lang));
            if !summary.is_empty() {
                text.push('\n');
                text.push_str(summary);
            }
            text
        };
        match self {
            CommandError::BadArgument { param, expected, got, usage, summary, .. } => {
                let expected = Text::Kind(*expected).render(lang);
                let problem = Text::BadArgument { param, expected: &expected, got: Some(got) }.render(lang);
                with_usage(problem, usage, summary)
            }
            CommandError::MissingArgument { param, expected, usage, summary, .. } => {
                let expected = Text::Kind(*expected).render(lang);
                let problem = Text::BadArgument { param, expected: &expected, got: None }.render(lang);
                with_usage(problem, usage, summary)
            }
            CommandError::TooManyArguments { extra, usage, summary, .. } => {
                with_usage(Text::TooManyArguments(extra).render(lang), usage, summary)
            }
            CommandError::PermissionDenied { message: Some(message), .. } => message.clone(),
            CommandError::PermissionDenied { message: None, .. } => Text::AdminOnly.render(lang),
            CommandError::SceneMismatch { allowed, .. } => Text::WrongScene(*allowed).render(lang),
            CommandError::PromptTimeout(_) => Text::ReplyTimeout.render(lang),
            CommandError::ShuttingDown => Text::ShuttingDown.render(lang),
            CommandError::Refused(message) => message.clone(),
            CommandError::Panic { .. } => Text::HandlerPanicked.render(lang),
            CommandError::Handler { source, .. } => match source.downcast_ref::<Error>() {
                Some(e) => framework_error_text(e).render(lang),
                None if source.is::<crate::session::SessionError>() => Text::StorageFailed.render(lang),
                None => Text::HandlerFailed.render(lang),
            },
        }
    }
}

/// The user-facing text for one of the framework's own errors a handler passed on with `?`.
fn framework_error_text(e: &Error) -> Text<'static> {
    match e {
        Error::Disconnected { .. } | Error::Timeout { .. } | Error::Io(_) => Text::PlatformUnavailable,
        Error::Api { code, .. } => Text::PlatformRefused(*code),
        Error::WrongPlatform { .. } | Error::Unsupported { .. } => Text::NotSupportedHere,
        Error::Missing { .. } => Text::NotAvailableHere,
        Error::Session(_) => Text::StorageFailed,
        Error::PromptTimeout(_) => Text::ReplyTimeout,
        Error::ShuttingDown => Text::ShuttingDown,
        _ => Text::HandlerFailed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framework_waits_become_their_own_kinds() {
        let e = CommandError::from_handler("x", Box::new(Error::PromptTimeout(Duration::from_secs(5))));
        assert!(matches!(e, CommandError::PromptTimeout(d) if d == Duration::from_secs(5)));
        let e = CommandError::from_handler("x", Box::new(Error::ShuttingDown));
        assert!(matches!(e, CommandError::ShuttingDown));
        let e = CommandError::from_handler("x", Box::new(std::io::Error::other("disk")));
        assert!(e.downcast_ref::<std::io::Error>().is_some());
        assert_eq!(e.command(), Some("x"));
    }

    #[test]
    fn api_errors_are_translated_not_displayed() {
        let api = Error::Api { action: "set_group_ban".into(), code: 100, message: "no permission".into() };
        let e = CommandError::from_handler("mute", Box::new(api));
        let zh = e.default_reply(Lang::ZhCn);
        assert!(!zh.contains("set_group_ban") && !zh.contains("permission"), "{zh}");
        assert!(zh.contains("100"), "{zh}");
    }
}
