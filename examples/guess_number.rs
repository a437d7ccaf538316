//! 猜数字 and a sign-up form: sessions (state with a timeout and a timeout reply, kept across restarts) and
//! conversations (waiting for the same user's next message).
//!
//! ```text
//! cargo run --example guess_number
//! printf '/猜数字\n50\n25\n/报名\n小明\n十八\n18\n/我的资料\n' | GUESS_NUMBER_ANSWER=25 cargo run --example guess_number
//! ```
//!
//! (`GUESS_NUMBER_ANSWER` fixes the secret number, for a scripted run like this one.)
//!
//! Sessions go to `data/sessions.db` (the default SQLite store): stop the bot in the middle of a game, start it
//! again, and the game is still there. A `[session]` table in `qqbot.toml` picks another store.

use std::time::Duration;

use qqbot::prelude::*;
use serde_json::json;

const GAME: &str = "guess_number";

/// 猜数字：我想一个 1 到 100 的数，你来猜（60 秒不猜就结束）
#[command("/猜数字", "/guess")]
async fn start_game(session: Session) -> qqbot::Result<String> {
    let answer = secret_number();
    session
        .user(GAME)
        .start()
        .data(json!({ "answer": answer, "tries": 0 }))
        .timeout(Duration::from_secs(60))
        .timeout_reply(format!("60 秒没人猜，游戏结束。答案是 {answer}。"))
        .await?;
    Ok("我想好了一个 1 到 100 的数，直接发数字来猜吧！".to_owned())
}

/// 猜一个数（游戏开始后直接发数字）
#[command(regex = r"^\s*(\d{1,3})\s*$")]
async fn guess(caps: Captures, session: Session) -> qqbot::Result<Option<String>> {
    let game = session.user(GAME);
    // Not playing: a bare number is not for us.
    let Some(answer) = game.get::<u32>("answer").await? else { return Ok(None) };
    let Ok(n) = caps[1].parse::<u32>() else { return Ok(None) };
    let tries = game.increment("tries", 1).await?;
    let reply = if n == answer {
        game.end().await?;
        format!("猜对了！就是 {answer}，你用了 {tries} 次。")
    } else if n < answer {
        format!("{n} 小了，再大一点（第 {tries} 次）")
    } else {
        format!("{n} 大了，再小一点（第 {tries} 次）")
    };
    Ok(Some(reply))
}

/// 不玩了
#[command("/不玩了", "/quit")]
async fn quit(session: Session) -> qqbot::Result<String> {
    let game = session.user(GAME);
    match game.get::<u32>("answer").await? {
        Some(answer) => {
            game.remove().await?;
            Ok(format!("好吧，答案是 {answer}。"))
        }
        None => Ok("你还没开始游戏：发 /猜数字 开始。".to_owned()),
    }
}

/// 报名：依次回答名字和年龄
#[command("/报名", "/signup")]
async fn sign_up(ctx: Ctx, session: Session) -> qqbot::Result<String> {
    ctx.reply("你叫什么名字？").await?;
    let name = match ctx.wait_reply(Duration::from_secs(60)).await {
        Ok(message) => message.plain_text().trim().to_owned(),
        Err(Error::PromptTimeout(_)) => return Ok("太久没回复，报名取消了。".to_owned()),
        Err(e) => return Err(e),
    };
    ctx.reply(format!("{name}，你几岁？（回复数字）")).await?;
    // Only a number answers this question; anything else is handled as usual (a command still works).
    let is_age = |m: &MessageEvent| m.message.plain_text().trim().parse::<u8>().is_ok();
    let age: u8 = match ctx.wait_reply_where(Duration::from_secs(60), is_age).await {
        Ok(message) => message.plain_text().trim().parse().unwrap_or_default(),
        Err(Error::PromptTimeout(_)) => return Ok("太久没回复，报名取消了。".to_owned()),
        Err(e) => return Err(e),
    };
    // A plain session with no timeout: the profile stays until removed.
    session.user("profile").update(json!({ "name": name, "age": age })).await?;
    Ok(format!("报名成功：{name}，{age} 岁。发 /我的资料 查看。"))
}

/// 查看报名资料
#[command("/我的资料", "/profile")]
async fn profile(session: Session) -> qqbot::Result<String> {
    let me = session.user("profile");
    match (me.get::<String>("name").await?, me.get::<u8>("age").await?) {
        (Some(name), Some(age)) => Ok(format!("{name}，{age} 岁")),
        _ => Ok("还没有报名：发 /报名 开始。".to_owned()),
    }
}

/// A number from 1 to 100, different each game (a toy: no need for a random-number crate).
fn secret_number() -> u32 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    std::env::var("GUESS_NUMBER_ANSWER").ok().and_then(|v| v.parse().ok()).unwrap_or(nanos % 100 + 1)
}

#[tokio::main]
async fn main() -> qqbot::Result<()> {
    App::from_env()?.run().await
}
