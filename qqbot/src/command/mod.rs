//! Commands: the [`BotCommand`] registration object, the matcher index, typed arguments, extractors and the
//! dispatcher.
//!
//! Most bots declare commands with [`#[command]`](macro@crate::command) and never touch this module directly.

mod args;
mod bot_command;
mod conversation;
mod ctx;
mod dispatcher;
mod extract;
mod matcher;
mod reply;
mod trigger_regex;

pub use args::{ArgCursor, ArgError, ArgSpec, At, FromArg, Rest};
pub use bot_command::{
    BotCommand, CommandRegistration, EventHandler, EventHandlerFn, EventRegistration, Handler, HandlerFuture,
    SourceLocation, WordMatch,
};
pub(crate) use ctx::AppState;
pub use ctx::Ctx;
pub(crate) use dispatcher::dispatch_order;
pub use dispatcher::{Busy, DispatchHandle, Dispatcher};
pub use extract::{
    Captures, EventParam, FromCtx, FromEvent, HandlerParam, ParamError, RawText, State, Text, ViaArg, ViaCtx, ViaEvent,
};
pub use reply::{HandlerOutput, IntoReply, ShortCircuitOutput};
pub use trigger_regex::TriggerRegex;

use crate::i18n::{Lang, Text as I18nText};

/// The `/help` text: every command's usage and summary, in dispatch order.
pub fn help_text(commands: &[std::sync::Arc<BotCommand>], lang: Lang) -> String {
    let mut out = I18nText::HelpHeader.render(lang);
    for cmd in commands {
        out.push('\n');
        out.push_str(&cmd.usage(lang));
        let summary = cmd.summary();
        if !summary.is_empty() {
            out.push_str(" — ");
            out.push_str(summary);
        }
    }
    out
}
