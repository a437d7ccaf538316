//! `ctx.onebot()`: a handler's way to the full OneBot API.

use super::OneBotApi;
use crate::command::Ctx;
use crate::error::{Error, Result};
use crate::event::Platform;

impl Ctx {
    /// The OneBot API of the account that received the event, aimed at the event's conversation (so calls such as
    /// `send_platform_music(None, …)` go there); [`Error::WrongPlatform`] on other platforms.
    ///
    /// ```no_run
    /// # async fn f(ctx: qqbot::Ctx) -> qqbot::Result<()> {
    /// let info = ctx.onebot()?.call("get_login_info", serde_json::json!({})).await?;
    /// # Ok(()) }
    /// ```
    pub fn onebot(&self) -> Result<OneBotApi> {
        self.bot()
            .api()
            .downcast_ref::<OneBotApi>()
            .cloned()
            .map(|api| match self.target() {
                Some(target) => api.with_target(target),
                None => api,
            })
            .ok_or(Error::WrongPlatform { expected: Platform::OneBot, actual: self.platform() })
    }
}
