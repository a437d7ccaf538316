//! The hello bot's commands, shared by every example that runs them (console, OneBot, official).
//!
//! Including this module is all it takes: `#[command]` registers each command, and `App::new()` / `App::from_env()`
//! finds them.

use std::collections::HashSet;
use std::sync::Mutex;

use qqbot::prelude::*;

/// Who has checked in today (the custom short-circuit pair's state).
#[derive(Default)]
pub struct CheckIns(pub Mutex<HashSet<String>>);

/// 打个招呼 / say hello
#[command("你好", "hello")]
pub async fn hello(ctx: Ctx) -> String {
    format!("你好，{}！", ctx.sender().name())
}

/// 复读：原样回复文字 / echo the text back unchanged
#[command("/echo")]
pub async fn echo(text: String) -> String {
    text
}

/// 计算：1+2、6*7 / arithmetic on two integers
#[command(regex = r"^\s*(-?\d+)\s*([+\-*/×÷])\s*(-?\d+)\s*$")]
pub async fn calculate(caps: Captures) -> String {
    let (Ok(a), Ok(b)) = (caps[1].parse::<i64>(), caps[3].parse::<i64>()) else {
        return "数字太大了 / number too large".to_owned();
    };
    let result = match &caps[2] {
        "+" => a.checked_add(b),
        "-" => a.checked_sub(b),
        "*" | "×" => a.checked_mul(b),
        _ => a.checked_div(b),
    };
    match result {
        Some(v) => v.to_string(),
        None => "算不了（溢出或除以零）/ overflow or division by zero".to_owned(),
    }
}

/// 重复几遍：/repeat 3 你好
#[command("/repeat", "/重复")]
pub async fn repeat(times: u8, text: String) -> Result<String, CommandError> {
    if times == 0 || times > 10 {
        // A refusal is replied as written; other errors are logged and replied as a generic text.
        return Err(CommandError::refuse("次数应在 1 到 10 之间 / times must be 1 to 10"));
    }
    Ok(vec![text; usize::from(times)].join(" "))
}

/// 掷骰子：/roll [面数]，默认 6 面 / roll a die with the given number of sides (default 6)
#[command("/roll", "/骰子")]
pub async fn roll(sides: Option<u32>) -> String {
    use std::hash::{BuildHasher, RandomState};
    let sides = sides.unwrap_or(6).max(1);
    let value = RandomState::new().hash_one(std::time::SystemTime::now()) % u64::from(sides) + 1;
    format!("🎲 {value} / {sides}")
}

/// 发公告（仅管理员）：/公告 <内容> / post an announcement (admins only)
#[command("/公告", "/announce", admin = true, admin_error_msg = "只有管理员可以发公告 / only admins can announce", scenes = GROUP | GUILD)]
pub async fn announce(text: String) -> String {
    format!("📢 公告 / announcement: {text}")
}

/// 每日签到（首次签到）/ daily check-in, first time today
#[command("签到", "/checkin", custom_short_circuit = true, priority = 1)]
pub async fn check_in(ctx: Ctx, state: State<CheckIns>) -> bool {
    let first = state.0.0.lock().map(|mut set| set.insert(ctx.user_id().to_owned())).unwrap_or(false);
    if first {
        let _ = ctx.reply("签到成功！/ checked in!").await;
    }
    // true stops the chain here; false lets the next `签到` command answer.
    first
}

/// 每日签到（今天已签过）/ daily check-in, already done today
#[command("签到", "/checkin")]
pub async fn already_checked_in() -> &'static str {
    "你今天已经签到过了 / you already checked in today"
}
