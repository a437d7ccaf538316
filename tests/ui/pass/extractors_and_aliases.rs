use qqbot::prelude::*;

type Count = u32;
type Context = Ctx;

#[command("/count")]
async fn count(_ctx: Context, n: Count, words: Vec<String>) -> Message {
    Message::new().text(format!("{n} {}", words.len()))
}

#[command("/all")]
async fn all(msg: Message, text: Text, raw: RawText, scene: Scene, sender: Sender, rest: Rest) -> Option<String> {
    let _ = (msg, text, raw, scene, sender, rest);
    None
}

#[command("/unit")]
async fn unit() {}

#[command("/seg")]
async fn seg() -> Segment {
    Segment::text("x")
}

#[on_event(priority = 2)]
async fn welcome(ctx: Ctx, joined: MemberJoined) -> String {
    let _ = ctx;
    format!("欢迎 {}", joined.user_id)
}

#[on_event]
async fn raw(event: RawEvent) {
    let _ = event;
}

fn main() {
    assert_eq!(count::command().params.len(), 2);
    assert!(all::command().params.len() == 1);
    let _ = (unit::command(), seg::command(), raw::handler());
    assert_eq!(welcome::handler().priority, 2);
}
