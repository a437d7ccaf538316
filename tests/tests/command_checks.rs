//! "Commands that compile always work": typed regex captures, custom short-circuit replies, commands declared
//! inside functions, and the start-up check that refuses an app whose commands need what it lacks — all end to end
//! through `qqbot::testing`. The compile-time half of the promise is the trybuild suite (`tests/ui`).

use qqbot::prelude::*;
use qqbot::testing::TestClient;

fn client(commands: Vec<BotCommand>) -> TestClient {
    let app = commands.into_iter().fold(App::empty(), App::command);
    TestClient::new(app).expect("app builds")
}

// ---- typed regex captures ------------------------------------------------------------------------------------

/// 加法：1 + 2
#[command(regex = r"^(?P<a>-?\d+)\s*\+\s*(?P<b>-?\d+)$")]
async fn add(a: i64, b: i64) -> String {
    (a + b).to_string()
}

#[tokio::test]
async fn named_groups_bind_typed_parameters_by_name() {
    let c = client(vec![add::command()]);
    assert_eq!(c.send("1 + 2").await.texts(), vec!["3"]);
    assert_eq!(c.send("-7+3").await.texts(), vec!["-4"]);
    assert!(c.send("1 + x").await.is_empty(), "no match, no reply");
}

#[tokio::test]
async fn a_capture_that_does_not_parse_gets_the_usage_reply() {
    let c = client(vec![add::command()]);
    // Matches the regex but overflows `i64`: the same reply a typed word argument gives.
    let texts = c.send("99999999999999999999 + 1").await.texts();
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(texts[0].starts_with("参数 a 应为整数，但收到了「99999999999999999999」"), "{texts:?}");
    assert!(texts[0].contains("add <a:整数> <b:整数>"), "usage line: {texts:?}");
    assert!(texts[0].contains("加法"), "summary: {texts:?}");
}

// Parameters in another order than the groups: names decide.
#[command(regex = r"^(?P<base>\d+)\^(?P<exp>\d+)$")]
async fn power(exp: u32, base: u64) -> String {
    base.pow(exp).to_string()
}

#[tokio::test]
async fn names_win_over_parameter_order() {
    let c = client(vec![power::command()]);
    assert_eq!(c.send("2^10").await.texts(), vec!["1024"]);
}

// Unnamed groups bind in order to the typed parameters; extractors take none.
#[command(regex = r"^(\S+) x(\d+)$")]
async fn repeat(ctx: Ctx, word: String, times: usize) -> String {
    format!("{}:{}", ctx.command().map_or("", |c| c.name.as_str()), word.repeat(times))
}

#[tokio::test]
async fn unnamed_groups_bind_by_position() {
    let c = client(vec![repeat::command()]);
    assert_eq!(c.send("ab x3").await.texts(), vec!["repeat:ababab"]);
}

// `from` is optional: its group may not take part. `to` is required, but its group is optional in the regex.
#[command(regex = r"^range(?: from (?P<from>\d+))?(?: to (?P<to>\d+))?$")]
async fn range(from: Option<u32>, to: u32) -> String {
    format!("{}..{to}", from.unwrap_or(0))
}

#[tokio::test]
async fn optional_groups_give_none_and_missing_required_groups_the_argument_error() {
    let c = client(vec![range::command()]);
    assert_eq!(c.send("range from 3 to 5").await.texts(), vec!["3..5"]);
    assert_eq!(c.send("range to 5").await.texts(), vec!["0..5"]);
    let texts = c.send("range from 3").await.texts();
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(texts[0].starts_with("缺少参数 to（整数）"), "{texts:?}");
}

// A command of several patterns binds from whichever matched; `Vec` takes its group's tokens.
#[command(regex = [r"^sum (?P<ns>[\d ]+)$", r"^(?P<ns>[\d ]+) 求和$"])]
async fn sum(ns: Vec<i64>, caps: Captures) -> String {
    format!("{} ({})", ns.iter().sum::<i64>(), caps.len())
}

#[tokio::test]
async fn each_pattern_binds_and_captures_stay_available() {
    let c = client(vec![sum::command()]);
    assert_eq!(c.send("sum 1 2 3").await.texts(), vec!["6 (2)"]);
    assert_eq!(c.send("4 5 求和").await.texts(), vec!["9 (2)"]);
}

// ---- custom short-circuit with a reply ------------------------------------------------------------------------

#[command("签到", custom_short_circuit = true, priority = 1)]
async fn sign_in(text: Text) -> Flow {
    if text.ends_with("今天") { Flow::stop("已签到") } else { Flow::next_with("先看看别的") }
}

#[command("签到", custom_short_circuit = true)]
async fn sign_in_pair(text: Text) -> (bool, String) {
    (text.ends_with("明天"), "第二个".to_owned())
}

#[command("签到")]
async fn sign_in_fallback() -> &'static str {
    "兜底"
}

#[tokio::test]
async fn custom_short_circuit_handlers_may_reply_and_decide() {
    let c = client(vec![sign_in::command(), sign_in_pair::command(), sign_in_fallback::command()]);
    assert_eq!(c.send("签到 今天").await.texts(), vec!["已签到"]);
    assert_eq!(c.send("签到 明天").await.texts(), vec!["先看看别的", "第二个"]);
    assert_eq!(c.send("签到 后天").await.texts(), vec!["先看看别的", "第二个", "兜底"]);
}

// ---- commands declared inside a function -----------------------------------------------------------------------

#[tokio::test]
async fn a_command_declared_inside_a_function_works() {
    /// 问问题
    #[command("ask")]
    async fn ask(question: String) -> String {
        format!("你问：{question}")
    }

    let c = client(vec![ask::command()]);
    assert_eq!(c.send("ask 为什么").await.texts(), vec!["你问：为什么"]);
    assert_eq!(ask("直接调用".into()).await, "你问：直接调用", "the function stays callable");
}

// ---- the start-up check ------------------------------------------------------------------------------------------

struct Counter(std::sync::atomic::AtomicU32);

struct Greeting(&'static str);

#[command("count")]
async fn count(counter: State<Counter>) -> String {
    (counter.0.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1).to_string()
}

// On the same word: before the start-up check, the missing state skipped `count` and this answered instead.
#[command("count")]
async fn count_fallback() -> &'static str {
    "fallback"
}

#[on_event]
async fn greet(joined: MemberJoined, greeting: State<Greeting>) -> String {
    format!("{} {}", greeting.0.0, joined.user_id)
}

fn line_of(needle: &str) -> usize {
    let source = include_str!("command_checks.rs");
    source.lines().position(|l| l.contains(needle)).map(|i| i + 1).unwrap_or_else(|| panic!("{needle} in the source"))
}

#[tokio::test]
async fn an_app_missing_state_refuses_to_start_naming_the_type_and_the_command() {
    let app = App::empty().command(count::command()).command(count_fallback::command());
    let err = TestClient::new(app).expect_err("missing state must stop the app").to_string();
    assert!(err.contains("`State<Counter>`"), "{err}");
    assert!(err.contains("command `count`"), "{err}");
    let at = format!("tests/tests/command_checks.rs:{}:", line_of(r#"#[command("count")]"#));
    assert!(err.contains(&at), "location {at}: {err}");
    assert!(err.contains("App::state"), "says what to do: {err}");
    assert!(!err.contains("count_fallback"), "only the command that needs it: {err}");
}

#[tokio::test]
async fn every_missing_piece_is_listed_in_the_same_error() {
    let app = App::empty().command(count::command()).on_event(greet::handler());
    let err = TestClient::new(app).expect_err("missing state must stop the app").to_string();
    assert!(err.contains("2 problem(s)"), "{err}");
    assert!(err.contains("command `count`") && err.contains("`State<Counter>`"), "{err}");
    assert!(err.contains("event handler `greet`") && err.contains("`State<Greeting>`"), "{err}");
}

#[tokio::test]
async fn requirements_declared_by_hand_are_checked_too() {
    let by_hand = BotCommand::new("peek")
        .word("peek")
        .require(qqbot::command::Requirement::state::<Greeting>())
        .handler(|ctx: Ctx| async move { ctx.state::<Greeting>().map(|g| g.0.to_owned()) });
    let err = TestClient::new(App::empty().command(by_hand.clone())).expect_err("missing state").to_string();
    assert!(err.contains("command `peek`") && err.contains("`State<Greeting>`"), "{err}");
    let c = TestClient::new(App::empty().command(by_hand).state(Greeting("hi"))).expect("app builds");
    assert_eq!(c.send("peek").await.texts(), vec!["hi"]);
}

#[tokio::test]
async fn with_the_state_added_the_app_starts_and_the_command_runs() {
    let app = App::empty()
        .command(count::command())
        .command(count_fallback::command())
        .state(Counter(std::sync::atomic::AtomicU32::new(0)));
    let c = TestClient::new(app).expect("app builds");
    assert_eq!(c.send("count").await.texts(), vec!["1"]);
    assert_eq!(c.send("count").await.texts(), vec!["2"]);
}

#[tokio::test]
async fn a_session_extractor_is_satisfied_by_the_default_store() {
    #[command("visits")]
    async fn visits(session: Session) -> qqbot::Result<String> {
        Ok(session.user("visits").increment("n", 1).await?.to_string())
    }
    let c = client(vec![visits::command()]);
    assert_eq!(c.send("visits").await.texts(), vec!["1"]);
}
