//! Plugins: the `plugin` key, `plugin!` metadata and typed configuration, `/help` grouping, run-time switches
//! per group, per user and globally (kept in the store across restarts), plugin defaults and the deny lists.

use qqbot::config::Config;
use qqbot::event::Notice;
use qqbot::prelude::*;
use qqbot::testing::{BOT_ID, TestClient};

#[derive(serde::Deserialize, Default, Debug)]
#[serde(deny_unknown_fields)]
struct WeatherConfig {
    #[serde(default)]
    city: String,
    #[serde(default)]
    days: u32,
}

qqbot::plugin! {
    name = "天气",
    description = "查询天气预报",
    usage = "/天气 <城市>",
    version = "1.2",
    config = WeatherConfig,
}

/// 查天气
#[command("/天气", plugin = "天气")]
async fn weather(config: PluginConfig<WeatherConfig>) -> String {
    format!("{}：晴，{} 天", config.city, config.days)
}

/// 签到
#[command("/签到", plugin = "签到")]
async fn sign_in() -> &'static str {
    "签到成功"
}

/// 报时
#[command("/time")]
async fn time() -> &'static str {
    "12:00"
}

#[on_event(plugin = "签到")]
async fn welcome(joined: MemberJoined) -> String {
    format!("欢迎 {}", joined.user_id)
}

fn app() -> App {
    App::empty().command(weather::command()).command(sign_in::command()).command(time::command()).superuser("su")
}

fn client(app: App) -> TestClient {
    TestClient::new(app).expect("app builds")
}

fn temp_db(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("qqbot-plugins-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join("s.db")
}

#[tokio::test]
async fn a_plugin_switched_off_in_one_group_stays_on_in_another_and_after_a_restart() {
    let db = temp_db("restart");
    {
        let c = client(app().state(SessionManager::sqlite(&db)));
        assert_eq!(c.group_member("A", "u1").send("/签到").await.texts(), ["签到成功"]);
        let off = c.group_member("A", "adm").admin().send("/插件 关闭 签到").await;
        assert_eq!(off.texts(), ["已在本群关闭插件「签到」"]);
        assert!(c.group_member("A", "u1").send("/签到").await.is_empty(), "off in A, and silent");
        assert_eq!(c.group_member("B", "u1").send("/签到").await.texts(), ["签到成功"], "still on in B");
        assert_eq!(c.group_member("A", "u1").send("/time").await.texts(), ["12:00"], "commands without plugin run");
        c.shutdown();
    }
    let c = client(app().state(SessionManager::sqlite(&db)));
    assert!(c.group_member("A", "u1").send("/签到").await.is_empty(), "still off after a restart");
    assert_eq!(c.group_member("B", "u1").send("/签到").await.texts(), ["签到成功"]);
    let on = c.group_member("A", "owner").owner().send("/plugin enable 签到").await;
    assert_eq!(on.texts(), ["已在本群开启插件「签到」"]);
    assert_eq!(c.group_member("A", "u1").send("/签到").await.texts(), ["签到成功"]);
}

#[tokio::test]
async fn members_cannot_switch_admins_can_superusers_can_everywhere() {
    let c = client(app());
    let denied = c.group_member("A", "u1").send("/插件 关闭 签到").await;
    assert_eq!(denied.texts(), ["只有群主、管理员或超级用户可以开关插件"]);
    assert_eq!(c.group_member("A", "u1").send("/签到").await.texts(), ["签到成功"]);
    let denied = c.group_member("A", "adm").admin().send("/插件 关闭 签到 全局").await;
    assert_eq!(denied.texts(), ["只有群主、管理员或超级用户可以开关插件"], "admins switch their own group only");
    let global = c.private("su").send("/插件 关闭 签到 全局").await;
    assert_eq!(global.texts(), ["已在所有群开启插件「签到」".replace("开启", "关闭")]);
    assert!(c.group_member("A", "u1").send("/签到").await.is_empty());
    assert!(c.group_member("B", "u1").send("/签到").await.is_empty());
    // A group switch is more specific than the global one.
    c.group_member("B", "adm").admin().send("/插件 开启 签到").await;
    assert_eq!(c.group_member("B", "u1").send("/签到").await.texts(), ["签到成功"]);
    assert!(c.group_member("A", "u1").send("/签到").await.is_empty());
    let unknown = c.group_member("A", "adm").admin().send("/插件 关闭 不存在").await;
    assert_eq!(unknown.texts(), ["没有「不存在」这个插件"]);
}

#[tokio::test]
async fn per_user_switches_by_mention_or_id() {
    let c = client(app());
    let off = c.group_member("A", "su").send(Message::new().text("/插件 关闭 签到 ").at("u1")).await;
    assert_eq!(off.texts(), ["已在用户 u1 处关闭插件「签到」"]);
    assert!(c.group_member("A", "u1").send("/签到").await.is_empty());
    assert!(c.group_member("B", "u1").send("/签到").await.is_empty());
    assert_eq!(c.group_member("A", "u2").send("/签到").await.texts(), ["签到成功"]);
    c.group_member("A", "su").send("/插件 开启 签到 u1").await;
    assert_eq!(c.group_member("A", "u1").send("/签到").await.texts(), ["签到成功"]);
}

#[tokio::test]
async fn a_disabled_plugin_says_nothing_not_even_did_you_mean_and_its_event_handlers_stop() {
    let c = client(app().on_event(welcome::handler()));
    c.group_member("A", "adm").admin().send("/插件 关闭 签到").await;
    assert!(c.group_member("A", "u1").send("/签到").await.is_empty());
    assert!(c.group_member("A", "u1").send("/签dao").await.is_empty(), "no suggestion of an off plugin");
    let joined = |group: &str| {
        let notice = Notice::MemberJoined(MemberJoined {
            group_id: group.into(),
            user_id: "u9".into(),
            operator_id: "u9".into(),
            sub_type: "approve".into(),
        });
        Event::Notice(NoticeEvent::new(Platform::Console, BOT_ID, notice))
    };
    assert!(c.send_event(joined("A")).await.is_empty(), "the event handler is off in A");
    assert_eq!(c.send_event(joined("B")).await.texts(), ["欢迎 u9"]);
}

#[tokio::test]
async fn the_list_shows_each_plugin_and_whether_it_is_on_here() {
    let c = client(app());
    c.group_member("A", "adm").admin().send("/插件 关闭 签到").await;
    let list = c.group_member("A", "u1").send("/插件 列表").await.texts().join("\n");
    assert!(list.starts_with("插件列表："), "{list}");
    assert!(list.contains("签到 [已关闭]"), "{list}");
    let list = c.group_member("B", "u1").send("/plugin list").await.texts().join("\n");
    assert!(list.contains("签到 [已开启]"), "{list}");
}

#[tokio::test]
async fn plugin_words_can_be_renamed_or_turned_off() {
    let c = client(app().plugin_words(["开关"]));
    let off = c.group_member("A", "adm").admin().send("/开关 关闭 签到").await;
    assert_eq!(off.texts(), ["已在本群关闭插件「签到」"]);
    let c = client(app().without_plugin_commands());
    assert!(c.group_member("A", "adm").admin().send("/插件 关闭 签到").await.is_empty());
    assert_eq!(c.group_member("A", "u1").send("/签到").await.texts(), ["签到成功"]);
}

#[tokio::test]
async fn plugin_defaults_and_allow_deny_lists_from_config() {
    let toml = r#"
[plugins."签到"]
enabled_by_default = false

[plugins."天气"]
city = "北京"
deny_groups = ["C"]
deny_users = ["bad"]
"#;
    let c = client(app().with_config(Config::from_toml(toml).expect("config")).expect("app"));
    assert!(c.group_member("A", "u1").send("/签到").await.is_empty(), "off by default");
    c.group_member("A", "adm").admin().send("/插件 开启 签到").await;
    assert_eq!(c.group_member("A", "u1").send("/签到").await.texts(), ["签到成功"]);
    assert_eq!(c.group_member("A", "u1").send("/天气").await.texts(), ["北京：晴，0 天"]);
    assert!(c.group_member("C", "u1").send("/天气").await.is_empty(), "denied group");
    assert!(c.group_member("A", "bad").send("/天气").await.is_empty(), "denied user");
    let toml = "[plugins.\"天气\"]\nallow_groups = [\"A\"]\n";
    let c = client(app().with_config(Config::from_toml(toml).expect("config")).expect("app"));
    assert!(!c.group_member("A", "u1").send("/天气").await.is_empty());
    assert!(c.group_member("B", "u1").send("/天气").await.is_empty(), "not on the allow list");
}

#[tokio::test]
async fn the_global_deny_list_ignores_users_and_groups_before_anything_runs() {
    let toml = "[bot]\ndeny_users = [\"spam\"]\n";
    let app = app().with_config(Config::from_toml(toml).expect("config")).expect("app").deny_group("G");
    let c = client(app);
    assert!(c.group_member("A", "spam").send("/time").await.is_empty());
    assert!(c.private("spam").send("/help").await.is_empty());
    assert!(c.group_member("G", "u1").send("/time").await.is_empty());
    assert_eq!(c.group_member("A", "u1").send("/time").await.texts(), ["12:00"]);
    let c = client(App::empty().command(time::command()).deny_user("u1"));
    assert!(c.group_member("A", "u1").send("/time").await.is_empty());
    assert!(c.dispatcher().switches().is_denied(Some("A"), Some("u1")));
}

#[tokio::test]
async fn help_groups_commands_by_plugin_and_describes_a_plugin() {
    let c = client(app());
    let help = c.group_member("A", "u1").send("/help").await.texts().join("\n");
    let time_at = help.find("/time").expect("listed");
    let weather_at = help.find("【天气】").expect("plugin header");
    assert!(time_at < weather_at, "commands without plugin first:\n{help}");
    assert!(help.contains("【天气】\n  /天气 — 查天气"), "{help}");
    assert!(help.contains("【签到】\n  /签到 — 签到"), "{help}");
    let about = c.group_member("A", "u1").send("/help 天气").await.texts().join("\n");
    assert_eq!(about, "【天气】\n查询天气预报\n/天气 <城市>\n版本：1.2\n/天气 — 查天气");
    c.group_member("A", "adm").admin().send("/插件 关闭 签到").await;
    let help = c.group_member("A", "u1").send("/help").await.texts().join("\n");
    assert!(!help.contains("签到"), "an off plugin is not listed:\n{help}");
}

#[tokio::test]
async fn plugin_config_is_read_at_start_up_and_a_bad_section_stops_it() {
    let toml = "[plugins.\"天气\"]\ncity = \"上海\"\ndays = 3\nenabled_by_default = true\n";
    let c = client(app().with_config(Config::from_toml(toml).expect("config")).expect("app"));
    assert_eq!(c.group_member("A", "u1").send("/天气").await.texts(), ["上海：晴，3 天"]);
    let c = client(app());
    assert_eq!(c.group_member("A", "u1").send("/天气").await.texts(), ["：晴，0 天"], "defaults without a section");

    let bad = "[plugins.\"天气\"]\ndays = \"many\"\n";
    let err = TestClient::new(app().with_config(Config::from_toml(bad).expect("config")).expect("app"))
        .expect_err("a bad section stops start-up")
        .to_string();
    assert!(err.contains("[plugins.天气]") && err.contains("days") && err.contains("qqbot.toml"), "{err}");
    let bad = "[plugins.\"天气\"]\ncty = \"北京\"\n";
    let err = TestClient::new(app().with_config(Config::from_toml(bad).expect("config")).expect("app"))
        .expect_err("an unknown key stops start-up")
        .to_string();
    assert!(err.contains("[plugins.天气]") && err.contains("cty"), "{err}");
}

#[tokio::test]
async fn plugin_config_without_its_plugin_declaration_is_a_start_up_error() {
    #[derive(serde::Deserialize, Default)]
    struct Undeclared;
    #[command("/x")]
    async fn needs(_c: PluginConfig<Undeclared>) -> &'static str {
        "x"
    }
    let err = TestClient::new(App::empty().command(needs::command())).expect_err("unmet").to_string();
    assert!(err.contains("PluginConfig") && err.contains("needs"), "{err}");
}

#[tokio::test]
async fn switches_answer_for_any_target_through_one_function() {
    let c = client(app());
    c.group_member("A", "adm").admin().send("/插件 关闭 签到").await;
    let switches = c.dispatcher().switches();
    switches.load().await;
    assert!(!switches.is_enabled("签到", Some("A"), None));
    assert!(switches.is_enabled("签到", Some("B"), None));
    assert!(switches.is_enabled("没有这个插件", Some("A"), None), "an unknown plugin is on");
    assert!(switches.is_enabled("签到", None, Some("u1")), "private chats follow the global switch");
}

#[tokio::test]
async fn builder_plugins_work_without_the_macro() {
    let ping = BotCommand::new("ping").word("/ping").plugin("工具").handler(|_ctx: Ctx| async { "pong" });
    let meta = qqbot::plugin::PluginMeta::new("工具").description("小工具");
    let c = client(App::empty().command(ping).plugin(meta));
    assert_eq!(c.group_member("A", "u1").send("/ping").await.texts(), ["pong"]);
    let about = c.group_member("A", "u1").send("/help 工具").await.texts().join("\n");
    assert!(about.starts_with("【工具】\n小工具"), "{about}");
    c.group_member("A", "adm").admin().send("/插件 关闭 工具").await;
    assert!(c.group_member("A", "u1").send("/ping").await.is_empty());
}

#[tokio::test]
async fn switch_texts_speak_the_apps_language() {
    let c = client(app().lang(qqbot::i18n::Lang::EnUs));
    let off = c.group_member("A", "adm").admin().send("/plugin disable 签到").await;
    assert_eq!(off.texts(), ["plugin \"签到\" disabled in this group"]);
    let denied = c.group_member("A", "u1").send("/plugin enable 签到").await;
    assert_eq!(denied.texts(), ["only group owners, admins and superusers can switch plugins"]);
    let usage = c.group_member("A", "adm").admin().send("/plugin").await.texts().join("\n");
    assert!(usage.starts_with("usage: /plugin list"), "{usage}");
    let list = c.group_member("A", "u1").send("/plugin list").await.texts().join("\n");
    assert!(list.contains("签到 [off]") && list.contains("天气 [on] — 查询天气预报"), "{list}");
}
