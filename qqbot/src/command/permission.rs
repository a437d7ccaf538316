//! Who may use a command, beyond `admin`: NoneBot-style roles joined with `|` and custom async checks.
//!
//! ```
//! use qqbot::prelude::*;
//! use qqbot::permission::{GROUP_ADMIN, SUPERUSER};
//!
//! async fn is_vip(ctx: &Ctx) -> bool {
//!     ctx.user_id().starts_with("88")
//! }
//!
//! /// 只有超级用户、群管理或 VIP 可以用
//! #[command("抽奖", permission = SUPERUSER | GROUP_ADMIN | is_vip)]
//! async fn draw() -> &'static str {
//!     "🎉"
//! }
//! ```
//!
//! The checks run in the dispatcher after `admin`; a user who fails them gets the same denial as a non-admin
//! at an admin-only command (`admin_error_msg`, else the default text), through `CommandError::PermissionDenied`.

use std::future::Future;
use std::sync::Arc;

use futures_util::future::BoxFuture;

use super::ctx::Ctx;
use crate::event::{Role, Scene};

/// A type-erased custom check.
type Check = Arc<dyn for<'a> Fn(&'a Ctx) -> BoxFuture<'a, bool> + Send + Sync>;

/// Who may use a command: any of a set of roles, or any of a list of checks (`|` joins them).
#[derive(Clone)]
pub struct Permission {
    roles: u8,
    checks: Vec<Check>,
}

impl std::fmt::Debug for Permission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Permission").field("roles", &self.roles).field("checks", &self.checks.len()).finish()
    }
}

const R_SUPERUSER: u8 = 1;
const R_OWNER: u8 = 2;
const R_ADMIN: u8 = 4;
const R_MEMBER: u8 = 8;
const R_PRIVATE: u8 = 16;

/// Superusers (`[bot] superusers`), anywhere.
pub const SUPERUSER: Permission = Permission::roles(R_SUPERUSER);
/// The owner of the group or guild the message is in (and superusers, who rank above).
pub const GROUP_OWNER: Permission = Permission::roles(R_OWNER);
/// Admins and the owner of the group or guild the message is in (and superusers).
pub const GROUP_ADMIN: Permission = Permission::roles(R_ADMIN);
/// Anyone in a group or guild channel.
pub const GROUP_MEMBER: Permission = Permission::roles(R_MEMBER);
/// Anyone in a private chat (C2C or a guild DM).
pub const PRIVATE: Permission = Permission::roles(R_PRIVATE);
/// Anyone anywhere.
pub const EVERYONE: Permission = Permission::roles(R_MEMBER | R_PRIVATE);

impl Permission {
    const fn roles(roles: u8) -> Self {
        Permission { roles, checks: Vec::new() }
    }

    /// Nobody: the start of a `|` chain.
    pub const fn empty() -> Self {
        Permission::roles(0)
    }

    /// A permission from a custom check.
    pub fn check<F>(f: F) -> Self
    where
        F: for<'a> PermissionFn<'a> + Send + Sync + 'static,
    {
        Permission { roles: 0, checks: vec![Arc::new(move |ctx| Box::pin(f.call(ctx)))] }
    }

    /// Whether the role part lets the sender through, without running any custom check.
    fn roles_allow(&self, ctx: &Ctx) -> bool {
        if self.roles == 0 {
            return false;
        }
        let sender = ctx.sender();
        let scene = ctx.scene();
        let in_group = scene.is_some_and(|s| s == Scene::GROUP || s == Scene::GUILD);
        let private = scene.is_some_and(|s| s.is_private());
        (self.roles & R_SUPERUSER != 0 && sender.is_superuser)
            || (self.roles & (R_OWNER | R_ADMIN) != 0 && in_group && sender.is_superuser)
            || (self.roles & R_OWNER != 0 && in_group && sender.role == Role::Owner)
            || (self.roles & R_ADMIN != 0 && in_group && sender.role.is_admin())
            || (self.roles & R_MEMBER != 0 && in_group)
            || (self.roles & R_PRIVATE != 0 && private)
    }

    /// Whether the sender of `ctx` may go on: roles first (no await), then the custom checks in order.
    pub async fn allows(&self, ctx: &Ctx) -> bool {
        if self.roles_allow(ctx) {
            return true;
        }
        for check in &self.checks {
            if check(ctx).await {
                return true;
            }
        }
        false
    }
}

impl<P: IntoPermission> std::ops::BitOr<P> for Permission {
    type Output = Permission;

    fn bitor(mut self, rhs: P) -> Permission {
        let rhs = rhs.into_permission();
        self.roles |= rhs.roles;
        self.checks.extend(rhs.checks);
        self
    }
}

/// An `async fn(&Ctx) -> bool`, usable as a permission check. Implemented for every such function.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a permission check",
    label = "expected an `async fn(&Ctx) -> bool`",
    note = "a permission is `SUPERUSER`, `GROUP_OWNER`, `GROUP_ADMIN`, `GROUP_MEMBER`, `PRIVATE`, or the path of an `async fn(ctx: &Ctx) -> bool`, joined with `|`"
)]
pub trait PermissionFn<'a> {
    /// The check's future.
    type Future: Future<Output = bool> + Send + 'a;
    /// Runs the check.
    fn call(&self, ctx: &'a Ctx) -> Self::Future;
}

impl<'a, F, Fut> PermissionFn<'a> for F
where
    F: Fn(&'a Ctx) -> Fut,
    Fut: Future<Output = bool> + Send + 'a,
{
    type Future = Fut;
    fn call(&self, ctx: &'a Ctx) -> Fut {
        self(ctx)
    }
}

/// What `permission = …` accepts: a [`Permission`] (the role constants, or several joined with `|`) or an
/// `async fn(&Ctx) -> bool`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a permission",
    label = "expected a role such as `GROUP_ADMIN` or an `async fn(&Ctx) -> bool`",
    note = "a permission is `SUPERUSER`, `GROUP_OWNER`, `GROUP_ADMIN`, `GROUP_MEMBER`, `PRIVATE`, or the path of an `async fn(ctx: &Ctx) -> bool`, joined with `|`"
)]
pub trait IntoPermission {
    /// The permission.
    fn into_permission(self) -> Permission;
}

impl IntoPermission for Permission {
    fn into_permission(self) -> Permission {
        self
    }
}

impl<F> IntoPermission for F
where
    F: for<'a> PermissionFn<'a> + Send + Sync + 'static,
{
    fn into_permission(self) -> Permission {
        Permission::check(self)
    }
}
