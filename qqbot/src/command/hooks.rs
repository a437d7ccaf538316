//! Hooks around dispatch (NoneBot's event pre-processors and run pre/post-processors, qg_botsdk's
//! `before_command`): an event pre-processor that may drop or rewrite an event before anything sees it, and
//! hooks before and after every command.

use std::future::Future;
use std::sync::Arc;

use futures_util::future::BoxFuture;

use super::ctx::Ctx;
use crate::event::Event;

/// What a [`before_command`](crate::App::before_command) hook decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookFlow {
    /// Run the command.
    Continue,
    /// Do not run it: nothing is sent (unless the hook replied itself) and the chain stops here.
    Stop,
}

/// How a command's run ended, as an [`after_command`](crate::App::after_command) hook sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CommandOutcome {
    /// The handler ran and did not fail.
    Ok,
    /// The handler returned an error (`CommandError::Handler` or the `CommandError` it returned).
    HandlerFailed,
    /// A typed argument was bad or missing, or text was left over (`BadArgument`, `MissingArgument`,
    /// `TooManyArguments`).
    BadArgument,
    /// The handler panicked (`CommandError::Panic`).
    Panicked,
    /// The user may not use it (`CommandError::PermissionDenied`).
    PermissionDenied,
    /// A `before_command` hook stopped it.
    Stopped,
}

pub(crate) type PreProcess = Arc<dyn Fn(Event) -> Option<Event> + Send + Sync>;
pub(crate) type BeforeCommand = Arc<dyn Fn(Ctx) -> BoxFuture<'static, HookFlow> + Send + Sync>;
pub(crate) type AfterCommand = Arc<dyn Fn(Ctx, CommandOutcome) -> BoxFuture<'static, ()> + Send + Sync>;

/// The hooks of one app, in the order they were added.
#[derive(Default, Clone)]
pub(crate) struct Hooks {
    pub(crate) pre_process: Vec<PreProcess>,
    pub(crate) before_command: Vec<BeforeCommand>,
    pub(crate) after_command: Vec<AfterCommand>,
}

impl Hooks {
    pub(crate) fn add_before<F, Fut>(&mut self, f: F)
    where
        F: Fn(Ctx) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HookFlow> + Send + 'static,
    {
        self.before_command.push(Arc::new(move |ctx| Box::pin(f(ctx))));
    }

    pub(crate) fn add_after<F, Fut>(&mut self, f: F)
    where
        F: Fn(Ctx, CommandOutcome) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.after_command.push(Arc::new(move |ctx, outcome| Box::pin(f(ctx, outcome))));
    }

    /// Runs the pre-processors in order; `None` when one dropped the event.
    pub(crate) fn pre_process(&self, mut event: Event) -> Option<Event> {
        for hook in &self.pre_process {
            event = hook(event)?;
        }
        Some(event)
    }

    /// Whether every `before_command` hook lets the command run.
    pub(crate) async fn before(&self, ctx: &Ctx) -> HookFlow {
        for hook in &self.before_command {
            if hook(ctx.clone()).await == HookFlow::Stop {
                return HookFlow::Stop;
            }
        }
        HookFlow::Continue
    }

    pub(crate) async fn after(&self, ctx: &Ctx, outcome: CommandOutcome) {
        for hook in &self.after_command {
            hook(ctx.clone(), outcome).await;
        }
    }
}
