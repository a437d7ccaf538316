use qqbot::prelude::*;

#[command("say")]
async fn say(text: Rest, times: Option<u32>) -> String {
    text.repeat(times.unwrap_or(1) as usize)
}

fn main() {}
