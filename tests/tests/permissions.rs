//! `permission = …`: role constants, custom `async fn(&Ctx) -> bool` checks, and their composition with `|`,
//! checked after `admin` with the same denial path as `admin_error_msg`.

use qqbot::command::CommandError;
use qqbot::permission::{EVERYONE, GROUP_ADMIN, GROUP_MEMBER, GROUP_OWNER, PRIVATE, Permission, SUPERUSER};
use qqbot::prelude::*;
use qqbot::testing::TestClient;

async fn is_vip(ctx: &Ctx) -> bool {
    ctx.user_id().starts_with("vip")
}

async fn in_lucky_group(ctx: &Ctx) -> bool {
    ctx.group_id().is_ok_and(|g| g == "7")
}

#[command("/抽奖", permission = SUPERUSER | GROUP_ADMIN | is_vip)]
async fn draw() -> &'static str {
    "🎉"
}

#[command("/vip", permission = is_vip, admin = true, admin_error_msg = "不给用")]
async fn vip_or_admin() -> &'static str {
    "vip"
}

#[command("/owner", permission = GROUP_OWNER, admin = true, admin_error_msg = "只有群主可以")]
async fn owner_only() -> &'static str {
    "owner"
}

#[command("/lucky", permission = (is_vip | in_lucky_group))]
async fn lucky() -> &'static str {
    "lucky"
}

#[command("/私聊", permission = PRIVATE)]
async fn private_only() -> &'static str {
    "private"
}

#[command("/群聊", permission = GROUP_MEMBER)]
async fn group_only() -> &'static str {
    "group"
}

fn client(app: App) -> TestClient {
    TestClient::new(app.superuser("su")).expect("app builds")
}

#[tokio::test]
async fn composition_lets_any_of_the_parts_through() {
    let c = client(App::empty().command(draw::command()));
    assert_eq!(c.group_member("1", "adm").admin().send("/抽奖").await.texts(), ["🎉"]);
    assert_eq!(c.group_member("1", "own").owner().send("/抽奖").await.texts(), ["🎉"], "owners rank above admins");
    assert_eq!(c.group_member("1", "su").send("/抽奖").await.texts(), ["🎉"]);
    assert_eq!(c.private("su").send("/抽奖").await.texts(), ["🎉"]);
    assert_eq!(c.group_member("1", "vip1").send("/抽奖").await.texts(), ["🎉"], "the custom check");
    assert_eq!(c.private("vip1").send("/抽奖").await.texts(), ["🎉"]);
    let denied = c.group_member("1", "u1").send("/抽奖").await;
    assert_eq!(denied.texts(), ["只有管理员可以使用这个命令"], "the default denial for an addressed message");
    assert!(c.group_member("1", "u1").send("抽奖").await.is_empty(), "chat text stays quiet");
    assert_eq!(c.private("u1").send("/抽奖").await.texts(), ["只有管理员可以使用这个命令"]);
}

#[tokio::test]
async fn a_denied_permission_replies_admin_error_msg_and_stops_the_chain() {
    let c = client(App::empty().command(vip_or_admin::command()).command(owner_only::command()));
    // `admin` is checked first: an admin who is no VIP is still refused by the permission.
    assert_eq!(c.group_member("1", "adm").admin().send("/vip").await.texts(), ["不给用"]);
    assert_eq!(c.group_member("1", "vipadm").admin().send("/vip").await.texts(), ["vip"]);
    assert_eq!(c.group_member("1", "vip2").send("/vip").await.texts(), ["不给用"], "admin comes first");
    assert_eq!(c.group_member("1", "adm").admin().send("/owner").await.texts(), ["只有群主可以"]);
    assert_eq!(c.group_member("1", "own").owner().send("/owner").await.texts(), ["owner"]);
}

#[tokio::test]
async fn custom_checks_see_the_context() {
    let c = client(App::empty().command(lucky::command()));
    assert_eq!(c.group_member("7", "u1").send("/lucky").await.texts(), ["lucky"]);
    assert_eq!(c.group_member("8", "vip3").send("/lucky").await.texts(), ["lucky"]);
    assert!(!c.group_member("8", "u1").send("/lucky").await.texts().contains(&"lucky".to_owned()));
}

#[tokio::test]
async fn scene_roles() {
    let c = client(App::empty().command(private_only::command()).command(group_only::command()));
    assert_eq!(c.private("u1").send("/私聊").await.texts(), ["private"]);
    assert_ne!(c.group_member("1", "u1").send("/私聊").await.texts(), ["private"]);
    assert_eq!(c.group_member("1", "u1").send("/群聊").await.texts(), ["group"]);
    assert_ne!(c.private("u1").send("/群聊").await.texts(), ["group"]);
}

#[tokio::test]
async fn the_builder_takes_permissions_and_on_error_sees_the_denial() {
    let cmd = BotCommand::new("secret")
        .word("/secret")
        .permission(SUPERUSER | is_vip)
        .on_error(|ctx: Ctx, err: CommandError| async move {
            if let CommandError::PermissionDenied { command, .. } = &err {
                let _ = ctx.reply(format!("{command}: no")).await;
                return Ok(());
            }
            Err(err)
        })
        .handler(|_ctx: Ctx| async { "42" });
    let c = client(App::empty().command(cmd));
    assert_eq!(c.private("vip9").send("/secret").await.texts(), ["42"]);
    assert_eq!(c.private("u1").send("/secret").await.texts(), ["secret: no"]);
    let anyone = BotCommand::new("open").word("/open").permission(EVERYONE).handler(|_ctx: Ctx| async { "ok" });
    let c = client(App::empty().command(anyone));
    assert_eq!(c.private("u1").send("/open").await.texts(), ["ok"]);
    assert_eq!(c.group_member("1", "u1").send("/open").await.texts(), ["ok"]);
    let nobody =
        BotCommand::new("never").word("/never").permission(Permission::empty()).handler(|_c: Ctx| async { "x" });
    let c = client(App::empty().command(nobody));
    assert_ne!(c.private("su").send("/never").await.texts(), ["x"], "an empty permission lets nobody through");
}
