//! Typed dispatch outcomes: every kind of failure reaches the command's `on_error`, then the app's, then a default
//! that speaks the app's language and never shows a user the English `Display` of an error.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use qqbot::command::{CommandError, HandlerOutput};
use qqbot::event::{MemberJoined, Notice};
use qqbot::i18n::Lang;
use qqbot::prelude::*;
use qqbot::testing::{BOT_ID, TestClient};

fn kind(err: &CommandError) -> &'static str {
    match err {
        CommandError::BadArgument { .. } => "bad-argument",
        CommandError::MissingArgument { .. } => "missing-argument",
        CommandError::TooManyArguments { .. } => "too-many",
        CommandError::PermissionDenied { .. } => "permission",
        CommandError::SceneMismatch { .. } => "scene",
        CommandError::PromptTimeout(_) => "timeout",
        CommandError::Handler { .. } => "handler",
        CommandError::Panic { .. } => "panic",
        CommandError::ShuttingDown => "shutdown",
        CommandError::Refused(_) => "refused",
        _ => "other",
    }
}

/// Commands that fail in every way dispatch knows, with Chinese names so that any ASCII word in a reply can only
/// have come from an error's English `Display`.
fn failing_commands() -> Vec<BotCommand> {
    vec![
        BotCommand::new("数数").word("/数数").handler(|ctx: Ctx| async move {
            let args = ctx.args().to_owned();
            let mut words = args.split_whitespace();
            match (words.next(), words.next()) {
                (None, _) => HandlerOutput::error(CommandError::MissingArgument {
                    command: "数数".into(),
                    param: "数量",
                    expected: qqbot::i18n::ArgKindText::Integer,
                    usage: "/数数 <数量:整数>".into(),
                    summary: String::new(),
                }),
                _ => HandlerOutput::none(),
            }
        }),
        BotCommand::new("管理").word("/管理").admin(true).handler(|_: Ctx| async { "已管理" }),
        BotCommand::new("管理员专用").word("/专用").admin_error_msg("仅限管理员").handler(|_: Ctx| async { "好" }),
        BotCommand::new("频道专用").word("/频道").scenes(Scene::GUILD).handler(|_: Ctx| async { "频道" }),
        BotCommand::new("接口").word("/接口").handler(|_: Ctx| async {
            Err::<String, _>(Error::Api { action: "set_group_ban".into(), code: 100, message: "no permission".into() })
        }),
        BotCommand::new("断线").word("/断线").handler(|_: Ctx| async {
            Err::<String, _>(Error::Disconnected { platform: Platform::OneBot, self_id: "10000".into() })
        }),
        BotCommand::new("缺群").word("/缺群").handler(|ctx: Ctx| async move { ctx.group_id().map(str::to_owned) }),
        BotCommand::new("磁盘")
            .word("/磁盘")
            .handler(|_: Ctx| async { Err::<String, _>(std::io::Error::other("disk on fire")) }),
        BotCommand::new("文字错误").word("/余额").handler(|_: Ctx| async { Err::<String, _>("balance too low") }),
        BotCommand::new("崩溃").word("/崩溃").handler(|ctx: Ctx| async move {
            if ctx.args().is_empty() {
                panic!("handler bug in the parser");
            }
            "不会到这里"
        }),
        BotCommand::new("提问").word("/提问").handler(|ctx: Ctx| async move {
            ctx.reply("你叫什么名字？").await?;
            let name = ctx.wait_reply(Duration::from_secs(30)).await?;
            Ok::<_, Error>(format!("你好，{name}"))
        }),
    ]
}

// Typed-argument failures come from the `#[command]` shim. The help text is replied with the usage line, so it is
// Chinese too.
/// 禁言某人
#[command("/禁言")]
async fn ban(目标: At, 分钟: u32) -> String {
    format!("{} {分钟}", 目标.user_id())
}

type Log = Arc<Mutex<Vec<String>>>;

fn app_with(log: Option<Log>, lang: Lang) -> App {
    let app = failing_commands().into_iter().fold(App::empty(), App::command).command(ban::command()).lang(lang);
    match log {
        Some(log) => app.on_error(move |_ctx: Ctx, err: CommandError| {
            let log = log.clone();
            async move {
                log.lock().expect("not poisoned").push(err.to_string());
                Err(err)
            }
        }),
        None => app,
    }
}

/// Sends each failing message (the conversation one answered by a timeout) and returns the replies.
async fn every_failure(client: &TestClient) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let member = client.group_member("1", "u1");
    for text in [
        "/禁言 42 很久",
        "/禁言",
        "/禁言 42 5 多余",
        "/管理",
        "/专用",
        "/频道",
        "/接口",
        "/断线",
        "/磁盘",
        "/余额",
        "/崩溃",
        "/数数",
    ] {
        out.push((text.to_owned(), member.send(text).await.texts()));
    }
    let private = client.private("u2");
    out.push(("/缺群".to_owned(), private.send("/缺群").await.texts()));
    // The conversation: the question, then (paused clock) the timeout.
    private.send("/提问").await;
    client.idle().await;
    let timeout = client.bot().sent().last().map(|s| s.message.to_string()).unwrap_or_default();
    out.push(("/提问".to_owned(), vec![timeout]));
    out
}

#[tokio::test(start_paused = true)]
async fn default_replies_in_chinese_contain_no_word_of_the_english_error() {
    let log = Log::default();
    let client = TestClient::new(app_with(Some(log.clone()), Lang::ZhCn)).expect("app builds");
    let replies = every_failure(&client).await;
    // Shutdown during a wait, last.
    client.private("u3").send("/提问").await;
    client.shutdown();
    client.idle().await;
    let shutdown = client.bot().sent().last().map(|s| s.message.to_string()).unwrap_or_default();

    let displays = log.lock().expect("not poisoned").clone();
    let mut all_replies: Vec<String> = replies.iter().flat_map(|(_, r)| r.clone()).collect();
    all_replies.push(shutdown.clone());
    // Every outcome went through the app hook: arguments (3), permission (2), scene, handler errors (5), panic,
    // timeout, shutdown.
    assert_eq!(displays.len(), 15, "{displays:#?}");
    for display in &displays {
        let words: Vec<&str> =
            display.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() >= 2).collect::<Vec<_>>();
        for reply in &all_replies {
            for word in &words {
                assert!(!reply.contains(word), "reply {reply:?} shows `{word}` from the error {display:?}");
            }
        }
    }
    let reply_to = |text: &str| replies.iter().find(|(t, _)| t == text).map(|(_, r)| r.join("|")).unwrap_or_default();
    assert!(reply_to("/禁言 42 很久").contains("参数 分钟 应为整数"));
    assert!(reply_to("/禁言").contains("缺少参数 目标"));
    assert!(reply_to("/禁言 42 5 多余").contains("多余的参数：「多余」"));
    assert_eq!(reply_to("/管理"), "只有管理员可以使用这个命令");
    assert_eq!(reply_to("/专用"), "仅限管理员");
    assert_eq!(reply_to("/频道"), "这个命令只能在频道中使用");
    assert_eq!(reply_to("/接口"), "平台拒绝了这次操作（错误码 100）");
    assert_eq!(reply_to("/断线"), "暂时连不上平台，请稍后再试");
    assert_eq!(reply_to("/磁盘"), "出错了，请稍后再试");
    assert_eq!(reply_to("/余额"), "出错了，请稍后再试");
    assert_eq!(reply_to("/崩溃"), "出错了，请稍后再试");
    assert!(reply_to("/数数").contains("缺少参数 数量"), "a handler may return a CommandError itself");
    assert_eq!(reply_to("/缺群"), "这个命令在这里用不了");
    assert_eq!(reply_to("/提问"), "等待回复超时");
    assert_eq!(shutdown, "机器人正在关闭，请稍后再试");
}

#[tokio::test(start_paused = true)]
async fn default_replies_follow_the_language() {
    let client = TestClient::new(app_with(None, Lang::EnUs)).expect("app builds");
    let replies = every_failure(&client).await;
    let reply_to = |text: &str| replies.iter().find(|(t, _)| t == text).map(|(_, r)| r.join("|")).unwrap_or_default();
    assert!(reply_to("/禁言 42 很久").contains("argument 分钟 should be an integer"));
    assert_eq!(reply_to("/管理"), "only admins can use this command");
    assert_eq!(reply_to("/频道"), "this command can only be used in guild channels");
    assert_eq!(reply_to("/接口"), "the platform refused the operation (code 100)");
    assert_eq!(reply_to("/磁盘"), "something went wrong, please try again later");
    assert_eq!(reply_to("/提问"), "timed out waiting for a reply");
}

// ---- hooks: the command's first, then the app's, then the default --------------------------------------------

async fn command_hook(ctx: Ctx, err: CommandError) -> Result<(), CommandError> {
    match &err {
        // Handled here: the command speaks for itself.
        CommandError::BadArgument { .. } | CommandError::MissingArgument { .. } | CommandError::Panic { .. } => {
            let _ = ctx.reply(format!("command:{}", kind(&err))).await;
            Ok(())
        }
        // Everything else goes on to the app.
        _ => Err(err),
    }
}

/// 取钱
#[command("/取钱", on_error = command_hook)]
async fn withdraw(amount: u32) -> Result<String, std::io::Error> {
    match amount {
        0 => panic!("zero"),
        1 => Err(std::io::Error::other("vault locked")),
        _ => Ok(format!("取出 {amount}")),
    }
}

#[command("/取钱2")]
async fn withdraw_plain(amount: u32) -> Result<String, std::io::Error> {
    Err(std::io::Error::other(format!("vault {amount} locked")))
}

async fn app_hook(ctx: Ctx, err: CommandError) -> Result<(), CommandError> {
    if let Some(io) = err.downcast_ref::<std::io::Error>() {
        // The handler's own error value arrives intact.
        let _ = ctx.reply(format!("app:{}:{io}", kind(&err))).await;
        return Ok(());
    }
    Err(err)
}

#[tokio::test]
async fn the_command_hook_comes_first_then_the_app_hook_then_the_default() {
    let app = App::empty().command(withdraw::command()).command(withdraw_plain::command()).on_error(app_hook);
    let c = TestClient::new(app).expect("app builds");
    assert_eq!(c.send("/取钱 abc").await.texts(), vec!["command:bad-argument"]);
    assert_eq!(c.send("/取钱").await.texts(), vec!["command:missing-argument"]);
    assert_eq!(c.send("/取钱 0").await.texts(), vec!["command:panic"]);
    assert_eq!(c.send("/取钱 1").await.texts(), vec!["app:handler:vault locked"], "passed on by the command hook");
    assert_eq!(c.send("/取钱2 7").await.texts(), vec!["app:handler:vault 7 locked"], "no command hook");
    // Neither hook handles too many arguments: the default replies.
    let extra = c.send("/取钱 5 6").await.texts();
    assert!(extra[0].contains("多余的参数：「6」") && extra[0].contains("用法：/取钱 <amount:整数>"), "{extra:?}");
    assert!(extra[0].contains("取钱"), "{extra:?}");
    assert_eq!(c.send("/取钱 5").await.texts(), vec!["取出 5"]);
}

#[tokio::test]
async fn skipped_commands_are_reported_only_to_messages_addressed_to_the_bot() {
    let seen = Log::default();
    let hook_log = seen.clone();
    let app = App::empty()
        .command(BotCommand::new("where").word("where").scenes(Scene::GUILD).handler(|_: Ctx| async { "guild" }))
        .on_error(move |_ctx: Ctx, err: CommandError| {
            let log = hook_log.clone();
            async move {
                log.lock().expect("not poisoned").push(kind(&err).to_owned());
                Err(err)
            }
        });
    let c = TestClient::new(app).expect("app builds");
    assert!(c.send("where").await.is_empty(), "plain chat text: the default stays silent");
    assert_eq!(c.send("/where").await.texts(), vec!["这个命令只能在频道中使用"]);
    assert_eq!(*seen.lock().expect("not poisoned"), vec!["scene", "scene"], "the hooks hear of both");
}

#[on_event]
async fn greet_fails(joined: MemberJoined) -> qqbot::Result<String> {
    Err(Error::Api { action: "send_group_msg".into(), code: 120, message: format!("muted {}", joined.user_id) })
}

#[tokio::test]
async fn event_handler_errors_reach_the_app_hook_and_the_default() {
    let joined = || {
        Event::Notice(NoticeEvent::new(
            Platform::Console,
            BOT_ID,
            Notice::MemberJoined(MemberJoined {
                group_id: "1".into(),
                user_id: "42".into(),
                operator_id: "42".into(),
                sub_type: "approve".into(),
            }),
        ))
    };
    let plain = TestClient::new(App::empty().on_event(greet_fails::handler())).expect("app builds");
    assert_eq!(plain.send_event(joined()).await.texts(), vec!["平台拒绝了这次操作（错误码 120）"]);

    let hooked = App::empty().on_event(greet_fails::handler()).on_error(|ctx: Ctx, err: CommandError| async move {
        match err.downcast_ref::<Error>() {
            Some(Error::Api { code, .. }) => {
                let _ = ctx.reply(format!("hooked {code} from {}", err.command().unwrap_or("?"))).await;
                Ok(())
            }
            _ => Err(err),
        }
    });
    let hooked = TestClient::new(hooked).expect("app builds");
    assert_eq!(hooked.send_event(joined()).await.texts(), vec!["hooked 120 from greet_fails"]);
}

#[command("/重复")]
async fn repeat(times: u8) -> Result<String, CommandError> {
    if times == 0 || times > 3 {
        return Err(CommandError::refuse("次数应在 1 到 3 之间"));
    }
    Ok("好".repeat(usize::from(times)))
}

#[command("/内部")]
async fn internal() -> Result<String, String> {
    Err("internal detail: cache poisoned".to_owned())
}

#[tokio::test]
async fn a_refusal_is_replied_as_written_and_a_plain_string_error_is_not() {
    let c = TestClient::new(App::empty().command(repeat::command()).command(internal::command())).expect("app builds");
    assert_eq!(c.send("/重复 9").await.texts(), vec!["次数应在 1 到 3 之间"]);
    assert_eq!(c.send("/重复 2").await.texts(), vec!["好好"]);
    assert_eq!(c.send("/内部").await.texts(), vec!["出错了，请稍后再试"]);
}
