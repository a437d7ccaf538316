//! Seeds: the real payloads of the corpus (OneBot frames gathered from NapCat, go-cqhttp, LLOneBot, Lagrange …;
//! official gateway frames and dispatch bodies), plus built-in inputs for the targets the corpus does not cover.

use std::path::{Path, PathBuf};

use crate::targets::Target;

/// The repository root (this crate lives in `fuzz/`).
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn json_files(dir: &Path) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    files.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

/// OneBot frames: the shared corpus beside the repository when present, else a few built in.
fn onebot_frames() -> Vec<Vec<u8>> {
    let mut seeds = json_files(&repo_root().join("../shared/corpus/onebot"));
    seeds.extend(
        [
            r#"{"post_type":"message","message_type":"group","sub_type":"normal","message_id":1,"group_id":2,"user_id":3,"self_id":10000,"time":1,"message":[{"type":"at","data":{"qq":"10000"}},{"type":"text","data":{"text":" /echo hi"}}],"raw_message":"[CQ:at,qq=10000] /echo hi","font":0,"sender":{"user_id":3,"nickname":"n","role":"member"}}"#,
            r#"{"post_type":"message","message_type":"private","sub_type":"friend","message_id":-5,"user_id":"3","self_id":"10000","time":"1","message":"[CQ:face,id=178]hi&#91;x&#93;","raw_message":"x","sender":{}}"#,
            r#"{"post_type":"notice","notice_type":"notify","sub_type":"poke","group_id":2,"user_id":3,"target_id":10000,"self_id":10000,"time":1,"raw_info":[{"type":"qq"}]}"#,
            r#"{"post_type":"meta_event","meta_event_type":"heartbeat","interval":5000,"status":{"online":true},"self_id":10000,"time":1}"#,
            r#"{"status":"ok","retcode":0,"data":{"message_id":7527129663562465450},"echo":"17"}"#,
            r#"{"status":"failed","retcode":1400,"data":null,"message":"json解析失败","echo":null}"#,
        ]
        .map(|s| s.as_bytes().to_vec()),
    );
    seeds
}

/// Official gateway frames and dispatch bodies: the corpus in `tests/corpus/qq-official`.
fn official(frames: bool) -> Vec<Vec<u8>> {
    let dir = repo_root().join("tests/corpus/qq-official");
    let mut out = Vec::new();
    for sub in [dir.clone(), dir.join("synthesized")] {
        let mut names: Vec<PathBuf> =
            std::fs::read_dir(&sub).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
        names.sort();
        for path in names {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
            let Some(rest) = name.strip_prefix("dispatch-") else { continue };
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            let t = rest.split('-').next().unwrap_or_default();
            let is_body = name.ends_with(".d.json");
            match (frames, is_body) {
                (true, false) => out.push(text.into_bytes()),
                (true, true) => out.push(format!(r#"{{"op":0,"s":3,"t":"{t}","id":"x","d":{text}}}"#).into_bytes()),
                (false, true) => out.push(format!("{t}\n{text}").into_bytes()),
                (false, false) => {
                    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text)
                        && let Some(d) = v.get("d")
                    {
                        out.push(format!("{t}\n{d}").into_bytes());
                    }
                }
            }
        }
    }
    if frames {
        out.extend(
            [
                r#"{"op":10,"d":{"heartbeat_interval":41250}}"#,
                r#"{"op":11}"#,
                r#"{"op":7,"d":null}"#,
                r#"{"op":9,"d":false}"#,
                r#"{"op":13,"d":{"plain_token":"Arq0D5A61EgUu4OxUvOp","event_ts":"1725442341"}}"#,
            ]
            .map(|s| s.as_bytes().to_vec()),
        );
    }
    out
}

/// The seeds of `target`.
pub fn for_target(target: Target) -> Vec<Vec<u8>> {
    let seeds: Vec<Vec<u8>> = match target {
        Target::OnebotFrame => onebot_frames(),
        Target::OnebotCq => [
            "[CQ:at,qq=10000] /echo hi",
            "[CQ:reply,id=7527129663562465450][CQ:image,file=a.jpg,url=https://x/y?a=1&amp;b=2] 看 &#91;x&#93;",
            "[CQ:face,id=178][CQ:at,qq=all,name=全体]text&#44;more",
            "[CQ:json,data={\"a\":1&#44;\"b\":[1&#44;2]}]",
            "[CQ:",
            "]][[CQ:,]",
        ]
        .map(|s| s.as_bytes().to_vec())
        .to_vec(),
        Target::OnebotSegments => [
            r#"[{"type":"text","data":{"text":"hi"}},{"type":"at","data":{"qq":10000,"name":"bot"}},{"type":"reply","data":{"id":"7527129663562465450"}}]"#,
            r#"[{"type":"image","data":{"file":"a.jpg","url":"https://x","sub_type":0,"file_size":"52731"}},{"type":"mface","data":{"emoji_id":"1"}}]"#,
            r#""[CQ:at,qq=1]x""#,
            r#"{"type":"face","data":{"id":"178"}}"#,
            r#"[{"type":"node","data":{"content":[{"type":"text","data":{"text":"nested"}}]}}]"#,
        ]
        .map(|s| s.as_bytes().to_vec())
        .to_vec(),
        Target::OfficialGateway => official(true),
        Target::OfficialDispatch => official(false),
        Target::Webhook => {
            let mut out: Vec<Vec<u8>> = official(true)
                .into_iter()
                .take(24)
                .map(|frame| [&[1u8][..], b"1725442341\n00\n", &frame].concat())
                .collect();
            out.push(b"\x001725442341\nzz\n{\"op\":0}".to_vec());
            out.push([&[1u8][..], b"1725442341\n\n", br#"{"op":13,"d":{"plain_token":"x","event_ts":"1"}}"#].concat());
            out
        }
        Target::ReverseHandshake => [
            "access_token=secret-token\nupgrade: websocket\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\nx-self-id: 10000",
            "\nauthorization: Bearer secret-token\nupgrade: WebSocket\nsec-websocket-key: x\nx-self-id: 1\nx-client-role: Event",
            "access_token=%73ecret-token&x=1\nauthorization: Token \nupgrade: websocket\nx-self-id:  ",
        ]
        .map(|s| s.as_bytes().to_vec())
        .to_vec(),
        Target::ConfigToml => [
            "[bot]\nsuperusers = [\"1\"]\nlang = \"en-US\"\n[onebot]\nuri = \"ws://127.0.0.1:3001\"\ntoken = \"t\"\nlarge_ids = \"number\"\n",
            "[onebot]\n[[onebot.connections]]\nkind = \"reverse\"\nlisten = \"127.0.0.1:0\"\n[onebot.retry_config]\nstop_after_attempt = 3\nwait_exponential = { multiplier = 1, min = 1, max = 30 }\n",
            "[official]\napp_id = \"1\"\nsecret = \"s\"\nintents = [\"GROUP_AND_C2C_EVENT\"]\nshard = [0, 1]\n[session]\nbackend = \"sqlite\"\npath = \"/tmp/x.db\"\n",
            "[session]\nbackend = \"redis\"\nurl = \"redis://:p@127.0.0.1:6379/0\"\nprefix = \"q\"\n",
        ]
        .map(|s| s.as_bytes().to_vec())
        .to_vec(),
    };
    if seeds.is_empty() { vec![Vec::new()] } else { seeds }
}
