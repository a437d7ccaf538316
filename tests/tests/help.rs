//! The built-in `/help` (generated from the descriptors, filtered by scene and role) and "did you mean".

use qqbot::i18n::Lang;
use qqbot::prelude::*;
use qqbot::testing::TestClient;

/// 复读你说的话
///
/// 例子：/echo 你好
/// 会回复「你好」。
#[command("/echo", "/复读")]
async fn echo(text: String) -> String {
    text
}

/// 查天气，
/// 支持全国城市
///
/// 用法：天气北京
#[command("天气", matching = glued, scenes = GROUP | C2C)]
async fn weather(city: String) -> String {
    format!("{city}：晴")
}

/// 禁言某人
#[command("/禁言", admin = true, scenes = GROUP)]
async fn mute(target: At, minutes: u32) -> String {
    format!("{} {minutes}", target.user_id())
}

/// 踢人（管理员）
#[command("/kick", admin = true, short_circuit = false)]
async fn kick_admin() -> &'static str {
    "kicked"
}

/// 踢人说明不会出现两次
#[command("/kick")]
async fn kick_fallback() -> &'static str {
    "only admins kick"
}

/// 只在频道
#[command("/频道", scenes = GUILD)]
async fn guild_only() -> &'static str {
    "guild"
}

fn client(app: App) -> TestClient {
    TestClient::new(app).expect("app builds")
}

fn commands() -> App {
    App::empty()
        .command(echo::command())
        .command(weather::command())
        .command(mute::command())
        .command(kick_admin::command())
        .command(kick_fallback::command())
        .command(guild_only::command())
}

fn lines(replies: &qqbot::testing::Replies) -> Vec<String> {
    assert_eq!(replies.len(), 1, "{replies:?}");
    replies.texts()[0].lines().map(str::to_owned).collect()
}

#[tokio::test]
async fn help_lists_what_the_asker_may_use_here() {
    let c = client(commands());
    let member = lines(&c.group_member("1", "u").send("/help").await);
    assert_eq!(
        member,
        vec![
            "可用命令：",
            "/echo <text:文字>（又名 /复读） — 复读你说的话",
            "天气 <city:文字> — 查天气， 支持全国城市",
            "/kick — 踢人说明不会出现两次",
            "发送 /help <命令> 查看详细说明",
        ],
        "admin commands hidden from members; one entry per word; the first paragraph as summary"
    );
    let admin = lines(&c.group_member("1", "a").admin().send("/帮助").await);
    assert!(admin.iter().any(|l| l.starts_with("/禁言 <target:@用户> <minutes:整数> — 禁言某人")), "{admin:?}");
    assert_eq!(admin.iter().filter(|l| l.starts_with("/kick")).count(), 1, "{admin:?}");
    assert_eq!(admin.last().map(String::as_str), Some("发送 /帮助 <命令> 查看详细说明"));

    let guild = lines(&c.guild_member("g", "ch", "u").mention_bot().send("/help").await);
    assert!(guild.iter().any(|l| l.starts_with("/频道")), "{guild:?}");
    assert!(!guild.iter().any(|l| l.starts_with("天气")), "group and C2C only: {guild:?}");
    let private = lines(&c.private("u").send("/help").await);
    assert!(!private.iter().any(|l| l.starts_with("/禁言") || l.starts_with("/频道")), "{private:?}");
    assert_eq!(c.private("u").send("帮助").await.texts(), c.private("u").send("/帮助").await.texts(), "no `/` needed");
    assert!(c.send("帮助").await.is_empty(), "in a group, chat text saying 帮助 is not a command");
}

#[tokio::test]
async fn help_for_one_command_gives_its_whole_doc_and_usage() {
    let c = client(commands());
    let detail = c.send("/help echo").await.texts();
    assert_eq!(
        detail,
        vec!["用法：/echo <text:文字>（又名 /复读）\n复读你说的话\n\n例子：/echo 你好\n会回复「你好」。"]
    );
    assert_eq!(c.send("/help /复读").await.texts(), detail, "any word, with or without its slash");
    let hidden = c.send("/help 禁言").await.texts();
    assert!(hidden[0].starts_with("没有「禁言」这个命令"), "admin-only, hidden from members: {hidden:?}");
    let admin = c.group_member("1", "a").admin().send("/help 禁言").await.texts();
    assert_eq!(admin, vec!["用法：/禁言 <target:@用户> <minutes:整数>\n禁言某人"]);
}

#[tokio::test]
async fn help_speaks_the_apps_language_and_can_be_reworded_or_turned_off() {
    let en = client(commands().lang(Lang::EnUs));
    let list = lines(&en.send("/help").await);
    assert_eq!(list[0], "commands:");
    assert!(list[1].starts_with("/echo <text:") && list[1].contains(" (also /复读) — 复读你说的话"), "{list:?}");
    assert_eq!(list.last().map(String::as_str), Some("send /help <command> for details"));

    let reworded = client(commands().help_words(["/菜单"]));
    assert_eq!(lines(&reworded.send("/菜单").await)[0], "可用命令：");
    assert!(reworded.send("/help").await.texts().iter().all(|t| !t.starts_with("可用命令")));

    let off = client(commands().without_help().suggest(false));
    assert!(off.send("/help").await.is_empty());

    let config = qqbot::config::Config::from_toml("[bot]\nhelp = [\"指令\"]").expect("valid config");
    let configured = client(commands().with_config(config).expect("no adapters"));
    assert_eq!(lines(&configured.send("/指令").await)[0], "可用命令：");
}

/// 我自己的帮助
#[command("/help")]
async fn my_help() -> &'static str {
    "my own help"
}

#[tokio::test]
async fn a_command_of_your_own_on_the_help_word_wins() {
    let c = client(commands().command(my_help::command()));
    assert_eq!(c.send("/help").await.texts(), vec!["my own help"]);
    assert_eq!(lines(&c.send("/帮助").await)[0], "可用命令：", "the other word stays built in");
}

// ---- did you mean --------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_mistyped_command_gets_one_suggestion() {
    let c = client(commands());
    assert_eq!(c.send("/ech 你好").await.texts(), vec!["你是不是想用 /echo？"]);
    assert_eq!(c.send("/天汽").await.texts(), vec!["你是不是想用 /天气？"], "one Chinese character off");
    assert_eq!(c.send("/天汽北京").await.texts(), vec!["你是不是想用 /天气？"], "glued words compare their length");
    assert_eq!(c.send("/hepl").await.texts(), vec!["你是不是想用 /help？"], "the help word counts too");
    let mention = Message::new().at(qqbot::testing::BOT_ID).text(" ech hi");
    assert_eq!(c.send(mention).await.texts(), vec!["你是不是想用 /echo？"], "a mention addresses the bot too");
    // Only commands valid here and for this user.
    assert!(c.send("/禁").await.is_empty(), "/禁言 is for admins");
    assert_eq!(c.group_member("1", "a").admin().send("/禁").await.texts(), vec!["你是不是想用 /禁言？"]);
    assert!(c.send("/频").await.is_empty(), "/频道 is for guilds");
}

#[tokio::test]
async fn chat_text_and_far_words_get_no_suggestion() {
    let c = client(commands());
    assert!(c.send("ech 你好").await.is_empty(), "no slash, no mention: plain chat");
    assert!(c.send("天汽真好").await.is_empty());
    assert!(c.send("/completely different").await.is_empty(), "nothing close");
    assert!(c.private("u").send("ech").await.is_empty(), "a private chat line is not a command without `/`");
    let en = client(commands().lang(Lang::EnUs));
    assert_eq!(en.send("/ech").await.texts(), vec!["did you mean /echo?"]);
    let off = client(commands().suggest(false));
    assert!(off.send("/ech").await.is_empty());
    let config = qqbot::config::Config::from_toml("[bot]\nsuggest = false").expect("valid config");
    assert!(client(commands().with_config(config).expect("no adapters")).send("/ech").await.is_empty());
}
