//! The OneBot hot path, piece by piece: frame decode → `Event`, CQ codes and segment arrays, the reply's action
//! frame, and the whole in-process path frame text → `Event` → dispatch → reply frame.
//!
//! `cargo bench -p qqbot --bench onebot`. Every function measured is the one the adapter itself calls
//! (the frame policy `read_frame` every transport applies, `decode_frame`, `SendRequest` + `encode_request`), so a
//! change to the adapter shows here. The frames are the load generator's
//! `/echo <i>` event (`../shared/bench/loadgen`, byte for byte: `serde_json` writes its keys sorted), a NapCat
//! capture from the shared corpus, and NapCat's answer to `send_group_msg`.

use std::any::Any;
use std::hint::black_box;
use std::sync::{Arc, Mutex};

use criterion::{Criterion, Throughput, criterion_group};
use futures_util::future::BoxFuture;
use qqbot::adapter::onebot::__bench::{Inbound, LinkState, SendRequest, encode_request, read_frame};
use qqbot::adapter::onebot::{Frame, WireMessage, cq, decode_frame};
use qqbot::prelude::*;
use qqbot::testing::TestClient;

/// What `loadgen` sends for event 12345 (`group_message_event`).
const ECHO_FRAME: &str = r#"{"font":14,"group_id":20000,"message":[{"data":{"text":"/echo 12345"},"type":"text"}],"message_format":"array","message_id":12346,"message_seq":12346,"message_type":"group","post_type":"message","raw_message":"/echo 12345","real_id":12346,"self_id":10000,"sender":{"card":"","nickname":"bench-user","role":"member","user_id":12345},"sub_type":"normal","time":1750000000,"user_id":12345}"#;

/// A NapCat 2025 group message (`event.message.group.normal.napcat-2025-escaped-brackets.json`).
const NAPCAT_GROUP: &str = r#"{"self_id":1977970939,"user_id":751898988,"time":1744287769,"message_id":1599724187,"message_seq":58117,"message_type":"group","sender":{"user_id":751898988,"nickname":"猫","card":"","role":"owner","title":""},"raw_message":"查询物品 &#91;神话&#93;小小的M60 4☆","font":14,"sub_type":"normal","message":[{"type":"text","data":{"text":"查询物品 [神话]小小的M60 4☆"}}],"message_format":"array","post_type":"message","group_id":164447436}"#;

/// A NapCat group message that replies to and mentions the bot, with an image (array form).
const NAPCAT_MIXED: &str = r#"{"self_id":1977970939,"user_id":751898988,"time":1744287769,"message_id":1599724188,"message_seq":58118,"real_id":1599724188,"real_seq":"58118","message_type":"group","sender":{"user_id":751898988,"nickname":"猫","card":"群主","role":"owner","title":""},"raw_message":"[CQ:reply,id=1599724187][CQ:at,qq=1977970939] 看这个[CQ:image,file=A1B2.jpg,sub_type=0,url=https://multimedia.nt.qq.com.cn/download?appid=1407&amp;fileid=abc,file_size=52731]","font":14,"sub_type":"normal","message":[{"type":"reply","data":{"id":"1599724187"}},{"type":"at","data":{"qq":"1977970939"}},{"type":"text","data":{"text":" 看这个"}},{"type":"image","data":{"summary":"","file":"A1B2.jpg","sub_type":0,"url":"https://multimedia.nt.qq.com.cn/download?appid=1407&fileid=abc","file_size":"52731"}}],"message_format":"array","post_type":"message","group_id":164447436}"#;

/// NapCat's answer to `send_group_msg`, as the load generator writes it.
const SEND_RESPONSE: &str =
    r#"{"data":{"message_id":5001},"echo":"17","message":"","retcode":0,"status":"ok","wording":""}"#;

/// The same message as the mixed frame, as a CQ string.
const CQ_MIXED: &str = "[CQ:reply,id=1599724187][CQ:at,qq=1977970939] 看这个 &#91;神话&#93;[CQ:face,id=178][CQ:image,file=A1B2.jpg,url=https://multimedia.nt.qq.com.cn/download?appid=1407&amp;fileid=abc&#44;x]";

/// Frame text → neutral event, through the frame policy every transport applies, with the link's state a
/// connection task keeps across its frames.
fn frame_to_event(text: &str) -> Option<Event> {
    thread_local! {
        static LINK: std::cell::RefCell<LinkState> = std::cell::RefCell::new(LinkState::new("bench"));
    }
    LINK.with_borrow_mut(|link| match read_frame(text, Some("10000"), link) {
        Inbound::Event(event) => Some(event),
        _ => None,
    })
}

fn decode(c: &mut Criterion) {
    let mut group = c.benchmark_group("onebot_decode");
    group.throughput(Throughput::Elements(1));
    for (name, frame) in [("echo_frame", ECHO_FRAME), ("napcat_group", NAPCAT_GROUP), ("napcat_mixed", NAPCAT_MIXED)] {
        assert!(matches!(frame_to_event(frame), Some(Event::Message(_))), "{name} must decode to a message");
        group.bench_function(format!("{name}/to_event"), |b| b.iter(|| frame_to_event(black_box(frame))));
    }
    group.bench_function("echo_frame/frame_only", |b| b.iter(|| decode_frame(black_box(ECHO_FRAME))));
    assert!(matches!(decode_frame(SEND_RESPONSE), Ok(Frame::Response(r)) if r.echo_id() == Some(17)));
    group.bench_function("action_response", |b| {
        b.iter(|| match decode_frame(black_box(SEND_RESPONSE)) {
            Ok(Frame::Response(r)) => r.echo_id(),
            _ => None,
        })
    });
    group.finish();
}

fn segments(c: &mut Criterion) {
    let mut group = c.benchmark_group("onebot_message");
    group.throughput(Throughput::Elements(1));
    let parsed = cq::parse(CQ_MIXED);
    assert_eq!(parsed.len(), 5, "{parsed:?}");
    group.bench_function("cq_parse", |b| b.iter(|| cq::parse(black_box(CQ_MIXED))));
    group.bench_function("cq_to_string", |b| b.iter(|| cq::to_string(black_box(&parsed))));
    let array = r#"[{"type":"reply","data":{"id":"1599724187"}},{"type":"at","data":{"qq":"1977970939"}},{"type":"text","data":{"text":" 看这个"}},{"type":"image","data":{"summary":"","file":"A1B2.jpg","sub_type":0,"url":"https://multimedia.nt.qq.com.cn/download?appid=1407&fileid=abc","file_size":"52731"}}]"#;
    assert!(matches!(serde_json::from_str::<WireMessage>(array), Ok(WireMessage::Array(m)) if m.len() == 4));
    group.bench_function("array_decode", |b| b.iter(|| serde_json::from_str::<WireMessage>(black_box(array))));
    group.finish();
}

/// The reply frame, encoded exactly as `OneBotBot::send_message` does before handing it to the writer.
fn reply_frame(target: &Target, message: &Message, echo: u64) -> String {
    match SendRequest::new(target, message).and_then(|r| Ok(encode_request(r.action(), &r, echo)?)) {
        Ok(frame) => frame,
        Err(e) => panic!("the reply must encode: {e}"),
    }
}

fn encode(c: &mut Criterion) {
    let mut group = c.benchmark_group("onebot_encode");
    group.throughput(Throughput::Elements(1));
    let target = Target::Group("20000".into());
    let text = Message::from("12345");
    assert_eq!(
        reply_frame(&target, &text, 17),
        r#"{"action":"send_group_msg","params":{"group_id":20000,"message":[{"type":"text","data":{"text":"12345"}}]},"echo":"17"}"#
    );
    group.bench_function("send_group_msg/text", |b| b.iter(|| reply_frame(&target, black_box(&text), 17)));
    let mixed = Message::new().push(Segment::Reply("1599724187".into())).push(at("751898988")).text(" 收到 [神话]");
    group.bench_function("send_group_msg/reply_at_text", |b| b.iter(|| reply_frame(&target, black_box(&mixed), 17)));
    group.finish();
}

/// A bot that encodes every reply into its action frame, as the OneBot bot does, and keeps the last one.
struct EncodingBot {
    last: Mutex<String>,
}

impl Bot for EncodingBot {
    fn platform(&self) -> Platform {
        Platform::OneBot
    }
    fn self_id(&self) -> &str {
        "10000"
    }
    fn send<'a>(&'a self, target: &'a Target, message: Message) -> BoxFuture<'a, qqbot::Result<String>> {
        Box::pin(async move {
            let request = SendRequest::new(target, &message)?;
            let frame = encode_request(request.action(), &request, 17)?;
            if let Ok(mut last) = self.last.lock() {
                *last = frame;
            }
            Ok(String::new())
        })
    }
    fn api(&self) -> &dyn Any {
        self
    }
}

fn pipeline(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    let app = App::empty()
        .command(BotCommand::new("echo").word("/echo").handler(|ctx: Ctx| async move { ctx.args().to_owned() }));
    let client = TestClient::new(app).expect("app builds");
    let dispatcher = client.dispatcher().clone();
    let bot = Arc::new(EncodingBot { last: Mutex::new(String::new()) });
    let dyn_bot: Arc<dyn Bot> = bot.clone();
    let run = |frame: &str| {
        if let Some(event) = frame_to_event(frame) {
            rt.block_on(dispatcher.handle_event(dyn_bot.clone(), event));
        }
    };
    run(ECHO_FRAME);
    let last = bot.last.lock().map(|s| s.clone()).unwrap_or_default();
    assert_eq!(
        last,
        r#"{"action":"send_group_msg","params":{"group_id":20000,"message":[{"type":"text","data":{"text":"12345"}}]},"echo":"17"}"#
    );
    let mut group = c.benchmark_group("onebot_pipeline");
    group.throughput(Throughput::Elements(1));
    group.bench_function("echo_frame_to_reply_frame", |b| b.iter(|| run(black_box(ECHO_FRAME))));
    group.finish();
}

criterion_group!(benches, decode, segments, encode, pipeline);

/// Runs one operation `n` times inside a function callgrind can single out, for instruction counts:
/// `ONEBOT_IR=echo_to_event:1000 valgrind --tool=callgrind --toggle-collect='onebot::ir_loop*' <bench binary>`
/// (Ir divided by `n` is the cost of one frame). Without `ONEBOT_IR` the criterion benchmarks run.
#[inline(never)]
fn ir_loop(n: usize, mut op: impl FnMut()) {
    for _ in 0..n {
        op();
    }
}

fn ir(spec: &str) {
    let (name, n) = spec.split_once(':').unwrap_or((spec, "1000"));
    let n: usize = n.parse().unwrap_or(1000);
    let target = Target::Group("20000".into());
    let text = Message::from("12345");
    let parsed = cq::parse(CQ_MIXED);
    match name {
        "echo_to_event" => ir_loop(n, || drop(black_box(frame_to_event(black_box(ECHO_FRAME))))),
        "napcat_to_event" => ir_loop(n, || drop(black_box(frame_to_event(black_box(NAPCAT_GROUP))))),
        "mixed_to_event" => ir_loop(n, || drop(black_box(frame_to_event(black_box(NAPCAT_MIXED))))),
        "response" => ir_loop(n, || drop(black_box(decode_frame(black_box(SEND_RESPONSE))))),
        "cq_parse" => ir_loop(n, || drop(black_box(cq::parse(black_box(CQ_MIXED))))),
        "cq_to_string" => ir_loop(n, || drop(black_box(cq::to_string(black_box(&parsed))))),
        "reply_encode" => ir_loop(n, || drop(black_box(reply_frame(&target, black_box(&text), 17)))),
        other => panic!("unknown ONEBOT_IR operation `{other}`"),
    }
}

fn main() {
    if let Ok(spec) = std::env::var("ONEBOT_IR") {
        ir(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
