//! The dispatcher's rules, end to end through `#[command]` and the test kit: ordering, short-circuit, admin, at,
//! scenes, treat, word matching, typed arguments, failing and panicking handlers, event handlers.

use qqbot::event::{MemberJoined, Notice, NoticeEvent, RawEvent};
use qqbot::prelude::*;
use qqbot::testing::{BOT_ID, TestClient};

fn client(commands: Vec<BotCommand>) -> TestClient {
    let app = commands.into_iter().fold(App::empty(), App::command);
    TestClient::new(app).expect("app builds")
}

// ---- ordering and short-circuit ----------------------------------------------------------------------------

#[command("order", short_circuit = false)]
async fn first_declared() -> &'static str {
    "word-1"
}

#[command("order", short_circuit = false)]
async fn second_declared() -> &'static str {
    "word-2"
}

#[command(regex = "^order", short_circuit = false)]
async fn regex_order() -> &'static str {
    "regex"
}

#[command("order", priority = 5, short_circuit = false)]
async fn high_priority() -> &'static str {
    "priority"
}

#[command(regex = "^order", priority = 9, short_circuit = false)]
async fn high_priority_regex() -> &'static str {
    "priority-regex"
}

#[tokio::test]
async fn priority_then_words_before_regex_then_declaration_order() {
    let c = client(vec![
        regex_order::command(),
        second_declared::command(),
        first_declared::command(),
        high_priority::command(),
        high_priority_regex::command(),
    ]);
    // Runtime-added commands keep the order they were added in; priority and kind come first.
    assert_eq!(c.send("order").await.texts(), vec!["priority-regex", "priority", "word-2", "word-1", "regex"]);
}

#[tokio::test]
async fn registered_commands_follow_declaration_order() {
    // `unknown` below takes `State<Seen>`: without it the app refuses to start.
    let app = App::new().state(Seen::default());
    let c = TestClient::new(app).expect("app builds");
    let names: Vec<String> = c.dispatcher().commands().iter().map(|c| c.name.clone()).collect();
    let pos = |n: &str| names.iter().position(|x| x == n).unwrap_or_else(|| panic!("{n} registered: {names:?}"));
    assert!(pos("first_declared") < pos("second_declared"));
    assert!(pos("second_declared") < pos("regex_order"));
    assert!(pos("high_priority") < pos("first_declared"));
}

#[command("stop")]
async fn stops() -> &'static str {
    "first"
}

#[command("stop")]
async fn never_reached() -> &'static str {
    "second"
}

#[tokio::test]
async fn short_circuit_is_the_default() {
    let c = client(vec![stops::command(), never_reached::command()]);
    assert_eq!(c.send("stop").await.texts(), vec!["first"]);
}

#[command("custom", custom_short_circuit = true)]
async fn custom_gate(text: Text) -> bool {
    text.ends_with("stop")
}

#[command("custom")]
async fn after_custom() -> &'static str {
    "after"
}

#[tokio::test]
async fn custom_short_circuit_stops_only_on_true() {
    let c = client(vec![custom_gate::command(), after_custom::command()]);
    assert!(c.send("custom stop").await.is_empty());
    assert_eq!(c.send("custom go").await.texts(), vec!["after"]);
}

// ---- admin --------------------------------------------------------------------------------------------------

#[command("kick", admin = true, admin_error_msg = "admins only")]
async fn kick_with_message() -> &'static str {
    "kicked"
}

#[command("kick")]
async fn kick_fallback() -> &'static str {
    "fallback"
}

#[command("mute", admin = true)]
async fn mute_silent() -> &'static str {
    "muted"
}

#[command("mute")]
async fn mute_fallback() -> &'static str {
    "not an admin"
}

#[tokio::test]
async fn admin_matrix() {
    let c = client(vec![
        kick_with_message::command(),
        kick_fallback::command(),
        mute_silent::command(),
        mute_fallback::command(),
    ]);
    let member = c.group_member("1", "u1");
    assert_eq!(member.send("kick").await.texts(), vec!["admins only"], "message replied, chain stopped");
    assert_eq!(member.send("mute").await.texts(), vec!["not an admin"], "skipped, chain goes on");
    for who in [c.group_member("1", "u2").admin(), c.group_member("1", "u3").owner()] {
        assert_eq!(who.send("kick").await.texts(), vec!["kicked"]);
        assert_eq!(who.send("mute").await.texts(), vec!["muted"]);
    }
}

#[tokio::test]
async fn superusers_count_as_admins_everywhere() {
    let app = App::empty().command(kick_with_message::command()).superuser("boss");
    let c = TestClient::new(app).expect("app builds");
    assert_eq!(c.group_member("1", "boss").send("kick").await.texts(), vec!["kicked"]);
    assert_eq!(c.private("boss").send("kick").await.texts(), vec!["kicked"]);
    assert_eq!(c.private("someone").send("kick").await.texts(), vec!["admins only"]);
}

// ---- at and scenes --------------------------------------------------------------------------------------------

#[command("ping", at = true)]
async fn ping_at() -> &'static str {
    "pong"
}

#[tokio::test]
async fn at_requires_a_mention_except_one_to_one() {
    let c = client(vec![ping_at::command()]);
    assert!(c.group_member("1", "u").send("ping").await.is_empty());
    assert_eq!(c.group_member("1", "u").mention_bot().send("ping").await.texts(), vec!["pong"]);
    assert!(c.guild_member("g", "ch", "u").send("ping").await.is_empty());
    assert_eq!(c.guild_member("g", "ch", "u").mention_bot().send("ping").await.texts(), vec!["pong"]);
    assert_eq!(c.private("u").send("ping").await.texts(), vec!["pong"], "C2C mention is implicit");
    assert_eq!(c.dm("g", "u").send("ping").await.texts(), vec!["pong"], "DM mention is implicit");
    let other = Message::new().at("99999").text(" ping");
    assert!(c.group_member("1", "u").send(other).await.is_empty(), "mentioning someone else is no mention");
}

#[command("where", scenes = GROUP | C2C)]
async fn qq_only(scene: Scene) -> String {
    format!("qq:{scene}")
}

#[command("where", scenes = GUILD)]
async fn guild_only() -> &'static str {
    "guild"
}

#[tokio::test]
async fn scene_matrix() {
    let c = client(vec![qq_only::command(), guild_only::command()]);
    assert_eq!(c.group_member("1", "u").send("where").await.texts(), vec!["qq:group"]);
    assert_eq!(c.private("u").send("where").await.texts(), vec!["qq:c2c"]);
    assert_eq!(c.guild_member("g", "c", "u").send("where").await.texts(), vec!["guild"]);
    assert!(c.dm("g", "u").send("where").await.is_empty());
}

// ---- treat and word matching ----------------------------------------------------------------------------------

#[command("/show")]
async fn show_treated(text: Text, raw: RawText) -> String {
    format!("[{text}] [{raw}]")
}

#[command("/raw", treat = false)]
async fn show_raw(text: Text) -> String {
    format!("[{text}]")
}

#[tokio::test]
async fn treat_removes_the_bot_mention_and_one_slash() {
    let c = client(vec![show_treated::command(), show_raw::command()]);
    let speaker = c.group_member("1", "u").mention_bot();
    assert_eq!(speaker.send(" /show x").await.texts(), vec![format!("[show x] [<@{BOT_ID}>  /show x]")]);
    assert_eq!(speaker.send("/raw y").await.texts(), vec![format!("[<@{BOT_ID}> /raw y]")]);
    assert_eq!(c.send("show 无斜杠").await.texts(), vec!["[show 无斜杠] [show 无斜杠]"]);
}

#[command("/echo")]
async fn echo(text: String) -> String {
    text
}

#[command("天气", matching = glued)]
async fn weather(city: String) -> String {
    format!("{city}：晴")
}

#[command("早上好", matching = anywhere)]
async fn good_morning() -> &'static str {
    "早！"
}

#[tokio::test]
async fn words_match_at_a_boundary_unless_glued_or_anywhere() {
    let c = client(vec![echo::command(), weather::command(), good_morning::command()]);
    assert_eq!(c.send("/echo hi").await.texts(), vec!["hi"]);
    assert_eq!(c.send("/echo\u{3000}全角 空格").await.texts(), vec!["全角 空格"]);
    assert!(c.send("/echoes").await.is_empty());
    assert_eq!(c.send("天气北京").await.texts(), vec!["北京：晴"]);
    assert_eq!(c.send("天气 上海").await.texts(), vec!["上海：晴"]);
    assert_eq!(c.send("大家早上好呀").await.texts(), vec!["早！"]);
    assert!(c.send("我想看天气").await.is_empty());
}

// ---- typed arguments ----------------------------------------------------------------------------------------------

/// 禁言某人
#[command("/禁言")]
async fn ban(target: At, minutes: u32, reason: Option<String>) -> String {
    format!("{} {} {}", target.user_id(), minutes, reason.unwrap_or_else(|| "-".into()))
}

#[command("/sum")]
async fn sum(numbers: Vec<f64>) -> String {
    numbers.iter().fold(0.0, |a, b| a + b).to_string()
}

#[command("/flag")]
async fn flag(on: bool, name: String, count: i64) -> String {
    format!("{on} {name} {count}")
}

#[tokio::test]
async fn typed_arguments_parse_chinese_full_width_and_quotes() {
    let c = client(vec![ban::command(), sum::command(), flag::command()]);
    let with_mention = Message::new().text("/禁言 ").at("42").text(" １０ 刷屏 太多");
    assert_eq!(c.send(with_mention).await.texts(), vec!["42 10 刷屏 太多"]);
    assert_eq!(c.send("/禁言 42\u{3000}5").await.texts(), vec!["42 5 -"]);
    assert_eq!(c.send("/sum 1 2.5 ３").await.texts(), vec!["6.5"]);
    assert_eq!(c.send("/sum").await.texts(), vec!["0"]);
    assert_eq!(c.send("/flag 是 “张 三” -7").await.texts(), vec!["true 张 三 -7"]);
    assert_eq!(c.send("/flag off '李 四' 0").await.texts(), vec!["false 李 四 0"]);
}

#[tokio::test]
async fn a_parse_failure_replies_the_usage_line() {
    let c = client(vec![ban::command(), flag::command()]);
    let replies = c.send("/禁言 42 很久").await.texts();
    assert_eq!(replies.len(), 1);
    assert!(replies[0].contains("参数 minutes 应为整数，但收到了「很久」"), "{}", replies[0]);
    assert!(replies[0].contains("用法：/禁言 <target:@用户> <minutes:整数> [reason:文字]"), "{}", replies[0]);
    assert!(replies[0].contains("禁言某人"), "help text shown: {}", replies[0]);
    let missing = c.send("/禁言").await.texts();
    assert!(missing[0].contains("缺少参数 target"), "{}", missing[0]);
    let extra = c.send("/flag yes a 1 多余").await.texts();
    assert!(extra[0].contains("多余的参数：「多余」"), "{}", extra[0]);
}

#[tokio::test]
async fn framework_texts_follow_the_language() {
    let app = App::empty().command(ban::command()).lang(qqbot::i18n::Lang::EnUs);
    let c = TestClient::new(app).expect("app builds");
    let replies = c.send("/禁言 42 x").await.texts();
    assert!(replies[0].contains("argument minutes should be an integer, got \"x\""), "{}", replies[0]);
    assert!(replies[0].contains("usage: /禁言"), "{}", replies[0]);
}

// ---- failures and panics --------------------------------------------------------------------------------------------

#[command("/fail")]
async fn fails() -> Result<String, std::io::Error> {
    Err(std::io::Error::other("disk on fire"))
}

#[command("/panic", short_circuit = false)]
async fn panics(text: Text) -> String {
    if text.len() < 100 {
        panic!("handler bug");
    }
    text.0
}

#[command("/panic")]
async fn after_panic() -> &'static str {
    "still here"
}

#[tokio::test]
async fn errors_are_replied_friendly_and_panics_are_contained() {
    let c = client(vec![fails::command(), panics::command(), after_panic::command(), echo::command()]);
    // The handler's own error is logged, never shown: the user gets a translated text.
    assert_eq!(c.send("/fail").await.texts(), vec!["出错了，请稍后再试"]);
    assert_eq!(c.send("/panic").await.texts(), vec!["出错了，请稍后再试", "still here"]);
    assert_eq!(c.send("/echo alive").await.texts(), vec!["alive"], "the bot goes on after a panic");
}

// ---- regex captures ----------------------------------------------------------------------------------------------

#[command(regex = r"^(?P<a>\d+)\+(?P<b>\d+)$")]
async fn add(caps: Captures) -> String {
    let a: i64 = caps.name("a").unwrap_or("0").parse().unwrap_or(0);
    let b: i64 = caps.name("b").unwrap_or("0").parse().unwrap_or(0);
    (a + b).to_string()
}

#[tokio::test]
async fn regex_commands_see_their_captures() {
    let c = client(vec![add::command()]);
    assert_eq!(c.send("1+2").await.texts(), vec!["3"]);
    assert!(c.send("1+2+3").await.is_empty());
}

// ---- events ---------------------------------------------------------------------------------------------------------

#[on_event]
async fn welcome(joined: MemberJoined) -> String {
    format!("欢迎 {}", joined.user_id)
}

type Seen = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

#[on_event]
async fn unknown(raw: RawEvent, seen: State<Seen>) {
    if let Ok(mut seen) = seen.lock() {
        seen.push(raw.kind);
    }
}

#[tokio::test]
async fn event_handlers_receive_their_typed_events() {
    let seen = Seen::default();
    let app = App::empty().on_event(welcome::handler()).on_event(unknown::handler()).state(seen.clone());
    let c = TestClient::new(app).expect("app builds");
    let joined = Notice::MemberJoined(MemberJoined {
        group_id: "1".into(),
        user_id: "42".into(),
        operator_id: "42".into(),
        sub_type: "approve".into(),
    });
    let replies = c.send_event(Event::Notice(NoticeEvent::new(Platform::Console, BOT_ID, joined))).await;
    assert_eq!(replies.texts(), vec!["欢迎 42"]);
    assert_eq!(replies.0[0].target, Target::Group("1".into()));
    let raw = Notice::Raw(RawEvent { kind: "notice/mystery".into(), data: serde_json::json!({"x": 1}) });
    let replies = c.send_event(Event::Notice(NoticeEvent::new(Platform::Console, BOT_ID, raw))).await;
    assert!(replies.is_empty());
    assert_eq!(*seen.lock().expect("not poisoned"), vec!["notice/mystery"], "unknown events reach raw handlers");
    assert!(c.send("hello").await.is_empty(), "typed event handlers ignore messages");
}

#[tokio::test]
async fn the_bots_own_messages_are_not_commands() {
    let c = client(vec![echo::command()]);
    let mut event = c.group_member("1", BOT_ID).event("/echo loop");
    event.is_self = true;
    assert!(c.send_event(Event::Message(event)).await.is_empty());
}

#[tokio::test]
async fn help_lists_every_command_with_its_usage() {
    let c = client(vec![ban::command(), echo::command(), add::command()]);
    let help = qqbot::command::help_text(c.dispatcher().commands(), qqbot::i18n::Lang::ZhCn);
    assert_eq!(
        help,
        "可用命令：\n/禁言 <target:@用户> <minutes:整数> [reason:文字] — 禁言某人\n/echo <text:文字>\nadd"
    );
}
