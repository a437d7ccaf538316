//! Who the console user is and where they speak; turns typed lines into events or console commands.

use serde::Deserialize;

use crate::event::{
    Event, FriendAdded, MemberJoined, MemberLeft, MessageEvent, MessageRecalled, Notice, NoticeEvent, Platform, Poked,
    Role, Scene, Sender,
};
use crate::i18n::Lang;
use crate::message::Message;

/// The `[console]` table of `qqbot.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConsoleConfig {
    /// The bot's id (what `@bot` mentions).
    pub self_id: String,
    /// Your user id.
    pub user_id: String,
    /// Your nickname.
    pub nickname: String,
    /// The group you speak in.
    pub group_id: String,
    /// The guild and channel you speak in, in guild scenes.
    pub guild_id: String,
    /// The channel.
    pub channel_id: String,
    /// The scene you start in: `group`, `c2c`, `guild` or `dm`.
    pub scene: String,
    /// Your role at start: `member`, `admin` or `owner`.
    pub role: String,
}

impl Default for ConsoleConfig {
    fn default() -> Self {
        ConsoleConfig {
            self_id: "10000".into(),
            user_id: "12345".into(),
            nickname: "测试用户".into(),
            group_id: "20000".into(),
            guild_id: "30000".into(),
            channel_id: "40000".into(),
            scene: "group".into(),
            role: "member".into(),
        }
    }
}

/// The console commands, in Chinese and English.
pub(crate) const HELP: &str = "\
控制台命令 / console commands:
  :group [群号]    在群聊中说话 / speak in a group
  :c2c             私聊机器人 / chat one-to-one (C2C)
  :guild           在频道子频道中说话 / speak in a guild channel
  :dm              频道私信 / guild direct message
  :member | :admin | :owner    切换身份 / switch role
  :su              切换超级用户 / toggle superuser
  :user <id> [昵称]  换一个用户 / become another user
  :at              每条消息都@机器人（开/关）/ mention the bot in every message (toggle)
  :join [id]       模拟有人入群（默认是你）/ simulate a member joining the group (you by default)
  :leave [id]      模拟有人退群 / simulate a member leaving the group
  :poke [id]       戳一戳（默认戳机器人）/ poke someone (the bot by default)
  :recall [消息id]  撤回消息（默认你的上一条）/ recall a message (your last one by default)
  :friend          模拟加机器人好友 / simulate adding the bot as a friend
  :wait <时长>      快进时间，如 :wait 30s、:wait 1h（冷却、定时任务）/ fast-forward time for cooldowns and jobs
  :help            显示本帮助 / show this help
  :quit            退出 / quit
  消息中的 @bot 会@机器人，@123 会@用户 123 / `@bot` in a message mentions the bot, `@123` mentions user 123";

/// What a typed line means.
#[derive(Debug)]
pub(crate) enum Input {
    /// A message to the bot.
    Message(Box<Event>),
    /// A simulated notice (someone joined, poked, recalled …), for trying `#[on_event]` handlers.
    Notice(Box<Event>),
    /// `:wait 30s`: fast-forward the app's clock.
    Wait(std::time::Duration),
    /// A console command's answer, to show in interactive mode.
    Said(String),
    /// An empty line.
    Nothing,
    /// `:quit`.
    Quit,
}

/// The console user's current identity and place.
#[derive(Debug, Clone)]
pub struct ConsoleState {
    config: ConsoleConfig,
    scene: Scene,
    role: Role,
    superuser: bool,
    always_at: bool,
    next_message_id: u64,
}

fn parse_scene(s: &str) -> Option<Scene> {
    match s.trim().to_ascii_lowercase().as_str() {
        "group" | "群" | "群聊" => Some(Scene::GROUP),
        "c2c" | "private" | "私聊" => Some(Scene::C2C),
        "guild" | "channel" | "频道" => Some(Scene::GUILD),
        "dm" | "频道私信" => Some(Scene::DM),
        _ => None,
    }
}

fn parse_role(s: &str) -> Role {
    match s.trim().to_ascii_lowercase().as_str() {
        "admin" => Role::Admin,
        "owner" => Role::Owner,
        _ => Role::Member,
    }
}

impl ConsoleState {
    /// The starting state from the configuration.
    pub fn new(config: ConsoleConfig) -> Self {
        let scene = parse_scene(&config.scene).unwrap_or(Scene::GROUP);
        let role = parse_role(&config.role);
        ConsoleState { config, scene, role, superuser: false, always_at: false, next_message_id: 1 }
    }

    /// The current scene.
    pub fn scene(&self) -> Scene {
        self.scene
    }

    pub(crate) fn where_zh(&self) -> String {
        match self.scene {
            Scene::GROUP => format!("群 {}", self.config.group_id),
            Scene::C2C => "私聊".to_owned(),
            Scene::GUILD => format!("频道 {} 子频道 {}", self.config.guild_id, self.config.channel_id),
            _ => format!("频道 {} 私信", self.config.guild_id),
        }
    }

    pub(crate) fn where_en(&self) -> String {
        let role = match self.role {
            Role::Member => "a member",
            Role::Admin => "an admin",
            Role::Owner => "the owner",
        };
        match self.scene {
            Scene::GROUP => format!("{role} of group {}", self.config.group_id),
            Scene::C2C => "in a C2C chat with the bot".to_owned(),
            Scene::GUILD => format!("{role} in guild {} channel {}", self.config.guild_id, self.config.channel_id),
            _ => format!("in a guild DM (guild {})", self.config.guild_id),
        }
    }

    pub(crate) fn role_zh(&self) -> &'static str {
        match (self.superuser, self.role) {
            (true, _) => "超级用户",
            (false, Role::Member) => "普通成员",
            (false, Role::Admin) => "管理员",
            (false, Role::Owner) => "群主",
        }
    }

    pub(crate) fn prompt(&self) -> String {
        let at = if self.always_at { " @bot" } else { "" };
        format!("[{} {}|{}{}] > ", self.scene, self.config.user_id, self.role_zh(), at)
    }

    /// Turns a typed line into an event or a console command.
    pub(crate) fn interpret(&mut self, line: &str, lang: Lang) -> Input {
        let line = line.trim_end_matches(['\r', '\n']);
        if line.trim().is_empty() {
            return Input::Nothing;
        }
        let trimmed = line.trim();
        if let Some(cmd) = trimmed.strip_prefix(':').or_else(|| trimmed.strip_prefix('：')) {
            return self.console_command(cmd, lang);
        }
        Input::Message(Box::new(Event::Message(self.message(line))))
    }

    fn console_command(&mut self, cmd: &str, lang: Lang) -> Input {
        let zh = lang == Lang::ZhCn;
        let mut parts = cmd.split_whitespace();
        let name = parts.next().unwrap_or("");
        let said = match name {
            "quit" | "exit" | "q" => return Input::Quit,
            "help" | "h" | "?" => HELP.to_owned(),
            "member" | "admin" | "owner" => {
                self.role = parse_role(name);
                self.describe(zh)
            }
            "su" => {
                self.superuser = !self.superuser;
                self.describe(zh)
            }
            "at" => {
                self.always_at = !self.always_at;
                match (zh, self.always_at) {
                    (true, true) => "之后的每条消息都会@机器人".to_owned(),
                    (true, false) => "不再自动@机器人".to_owned(),
                    (false, true) => "every message now mentions the bot".to_owned(),
                    (false, false) => "messages no longer mention the bot".to_owned(),
                }
            }
            "join" | "leave" | "poke" | "recall" | "friend" => return self.notice(name, parts.next()),
            "wait" => match parts.next().map(crate::config::parse_duration) {
                Some(Ok(by)) => return Input::Wait(by),
                _ if zh => "用法：:wait <时长>，如 :wait 30s、:wait 1m30s、:wait 1d".to_owned(),
                _ => "usage: :wait <duration>, such as :wait 30s, :wait 1m30s, :wait 1d".to_owned(),
            },
            "user" => match parts.next() {
                Some(id) => {
                    self.config.user_id = id.to_owned();
                    if let Some(nick) = parts.next() {
                        self.config.nickname = nick.to_owned();
                    }
                    self.describe(zh)
                }
                None => (if zh { "用法：:user <id> [昵称]" } else { "usage: :user <id> [nickname]" }).to_owned(),
            },
            other => match parse_scene(other) {
                Some(scene) => {
                    self.scene = scene;
                    if let (Scene::GROUP, Some(id)) = (scene, parts.next()) {
                        self.config.group_id = id.to_owned();
                    }
                    self.describe(zh)
                }
                None if zh => format!("未知的控制台命令 :{other}，输入 :help 查看帮助"),
                None => format!("unknown console command :{other}; type :help"),
            },
        };
        Input::Said(said)
    }

    /// Builds a simulated notice: `who` is another user (or a message id for `recall`), else the console user.
    fn notice(&self, name: &str, who: Option<&str>) -> Input {
        let me = self.config.user_id.clone();
        let group = self.config.group_id.clone();
        let in_group = (self.scene == Scene::GROUP).then(|| group.clone());
        let user = who.map_or_else(|| me.clone(), str::to_owned);
        let kind = match name {
            "join" => Notice::MemberJoined(MemberJoined {
                group_id: group,
                user_id: user.clone(),
                operator_id: user,
                sub_type: "approve".into(),
            }),
            "leave" => Notice::MemberLeft(MemberLeft {
                group_id: group,
                user_id: user.clone(),
                operator_id: user,
                sub_type: "leave".into(),
            }),
            "poke" => Notice::Poked(Poked {
                group_id: in_group,
                user_id: me,
                target_id: who.map_or_else(|| self.config.self_id.clone(), str::to_owned),
            }),
            "recall" => Notice::MessageRecalled(MessageRecalled {
                group_id: in_group,
                user_id: me.clone(),
                operator_id: me,
                message_id: who.map_or_else(|| self.next_message_id.saturating_sub(1).to_string(), str::to_owned),
            }),
            _ => Notice::FriendAdded(FriendAdded { user_id: me }),
        };
        let mut event = NoticeEvent::new(Platform::Console, self.config.self_id.clone(), kind);
        event.time = now();
        Input::Notice(Box::new(Event::Notice(event)))
    }

    fn describe(&self, zh: bool) -> String {
        if zh {
            format!("你现在是 {} 中的{}", self.where_zh(), self.role_zh())
        } else {
            format!("you are now {}", self.where_en())
        }
    }

    /// Builds the message event for a typed line: `@bot` mentions the bot, `@123` mentions user 123.
    pub fn message(&mut self, line: &str) -> MessageEvent {
        let mut message = Message::new();
        if self.always_at && !self.scene.is_private() {
            message = message.at(self.config.self_id.clone());
        }
        let mut rest = line;
        while let Some(pos) = rest.find(['@', '＠']) {
            let (before, after) = rest.split_at(pos);
            let sign = after.chars().next().map_or(1, char::len_utf8);
            let after = &after[sign..];
            let name_end = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
            let name = &after[..name_end];
            let target = match name {
                "bot" | "BOT" | "Bot" => Some(self.config.self_id.clone()),
                n if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => Some(n.to_owned()),
                _ => None,
            };
            match target {
                Some(id) => {
                    if !before.is_empty() {
                        message = message.text(before);
                    }
                    message = message.at(id);
                    rest = &after[name_end..];
                }
                None => {
                    message = message.text(&rest[..pos + sign]);
                    rest = after;
                }
            }
        }
        if !rest.is_empty() {
            message = message.text(rest);
        }
        let sender = Sender {
            user_id: self.config.user_id.clone(),
            nickname: Some(self.config.nickname.clone()),
            card: None,
            role: if self.scene.is_private() { Role::Member } else { self.role },
            is_superuser: self.superuser,
            is_bot: false,
        };
        let mut event = MessageEvent::new(Platform::Console, self.scene, self.config.self_id.clone(), sender, message);
        event.message_id = self.next_message_id.to_string();
        self.next_message_id += 1;
        event.time = now();
        match self.scene {
            Scene::GROUP => event.group_id = Some(self.config.group_id.clone()),
            Scene::GUILD => {
                event.guild_id = Some(self.config.guild_id.clone());
                event.channel_id = Some(self.config.channel_id.clone());
            }
            Scene::DM => event.guild_id = Some(self.config.guild_id.clone()),
            _ => {}
        }
        event.to_me = event.scene.is_private() || event.message.mentions().any(|id| id == self.config.self_id);
        event
    }
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Segment;

    #[test]
    fn mentions_in_typed_lines() {
        let mut s = ConsoleState::new(ConsoleConfig::default());
        let e = s.message("@bot 你好 @42 和 a@b");
        assert_eq!(
            e.message.segments(),
            &[
                Segment::At("10000".into()),
                Segment::Text(" 你好 ".into()),
                Segment::At("42".into()),
                Segment::Text(" 和 a@b".into())
            ]
        );
        assert!(e.to_me);
        assert_eq!(e.group_id.as_deref(), Some("20000"));
    }

    #[test]
    fn console_commands_switch_scene_and_role() {
        let mut s = ConsoleState::new(ConsoleConfig::default());
        assert!(matches!(s.interpret(":c2c", Lang::ZhCn), Input::Said(_)));
        assert_eq!(s.scene(), Scene::C2C);
        assert!(matches!(s.interpret(":admin", Lang::EnUs), Input::Said(_)));
        assert!(matches!(s.interpret(":group 555", Lang::ZhCn), Input::Said(_)));
        let Input::Message(event) = s.interpret("hi", Lang::ZhCn) else { panic!("expected a message") };
        let Event::Message(m) = *event else { panic!("expected a message event") };
        assert_eq!(m.group_id.as_deref(), Some("555"));
        assert_eq!(m.sender.role, Role::Admin);
        assert!(matches!(s.interpret(":nope", Lang::ZhCn), Input::Said(t) if t.contains(":help")));
        assert!(matches!(s.interpret(":quit", Lang::ZhCn), Input::Quit));
        assert!(matches!(s.interpret("   ", Lang::ZhCn), Input::Nothing));
    }

    #[test]
    fn notices_can_be_simulated() {
        let mut s = ConsoleState::new(ConsoleConfig::default());
        let Input::Notice(event) = s.interpret(":join 42", Lang::ZhCn) else { panic!("expected a notice") };
        let Event::Notice(n) = *event else { panic!("expected a notice event") };
        assert!(matches!(&n.kind, Notice::MemberJoined(j) if j.user_id == "42" && j.group_id == "20000"));
        let Input::Notice(event) = s.interpret(":poke", Lang::ZhCn) else { panic!("expected a notice") };
        let Event::Notice(n) = *event else { panic!("expected a notice event") };
        assert!(matches!(&n.kind, Notice::Poked(p) if p.target_id == "10000" && p.user_id == "12345"));
        s.interpret("hello", Lang::ZhCn);
        let Input::Notice(event) = s.interpret(":recall", Lang::ZhCn) else { panic!("expected a notice") };
        let Event::Notice(n) = *event else { panic!("expected a notice event") };
        assert!(matches!(&n.kind, Notice::MessageRecalled(r) if r.message_id == "1"));
    }
}
