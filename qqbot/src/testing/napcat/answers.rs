//! The fake's answers to actions: NapCat-shaped defaults, overridable per action.

use std::collections::VecDeque;
use std::sync::atomic::Ordering;

use serde_json::{Map, Value, json};

use super::Shared;

/// How the fake answers an action.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Answer {
    /// Success with this `data`.
    Ok(Value),
    /// Success without a `data` key (what NapCat sends for void actions such as `delete_msg`).
    OkNoData,
    /// Failure with this `retcode` and message.
    Fail {
        /// The retcode (NapCat WS: 1400 bad params, 1200 handler error, 1404 unknown action).
        retcode: i64,
        /// The `message`/`wording` text.
        message: String,
    },
    /// No answer at all (the caller times out).
    Silent,
    /// This whole response object, as recorded from a real implementation (a corpus file); the fake only puts
    /// the call's `echo` in, so every other field reaches the bot exactly as given.
    Envelope(Value),
}

/// The answer to `action` with `params`: the next queued one-shot answer, else the configured one, else NapCat's
/// typical one.
pub(crate) fn answer(shared: &Shared, action: &str, params: &Value) -> Answer {
    // One-shot answers come first, in the order they were queued.
    if let Some(a) = shared.queued.lock().ok().and_then(|mut q| q.get_mut(action).and_then(VecDeque::pop_front)) {
        return a;
    }
    if let Some(a) = shared.answers.lock().ok().and_then(|a| a.get(action).cloned()) {
        return a;
    }
    let sid = shared.options.self_id;
    let id = |k: &str, default: i64| params.get(k).cloned().unwrap_or(json!(default));
    match action.strip_suffix("_async").or_else(|| action.strip_suffix("_rate_limited")).unwrap_or(action) {
        "send_msg"
        | "send_group_msg"
        | "send_private_msg"
        | "send_group_forward_msg"
        | "send_private_forward_msg"
        | "send_forward_msg" => {
            Answer::Ok(json!({"message_id": shared.next_message_id.fetch_add(1, Ordering::Relaxed)}))
        }
        "delete_msg"
        | "set_group_ban"
        | "set_group_kick"
        | "set_group_card"
        | "set_group_whole_ban"
        | "set_friend_add_request"
        | "set_group_add_request"
        | "send_like"
        | ".handle_quick_operation" => Answer::OkNoData,
        "get_login_info" => Answer::Ok(json!({"user_id": sid, "nickname": "NapCat"})),
        "get_version_info" => {
            Answer::Ok(json!({"app_name": "NapCat.Onebot", "protocol_version": "v11", "app_version": "4.18.13"}))
        }
        "get_status" => Answer::Ok(json!({"online": true, "good": true, "stat": {}})),
        "can_send_image" | "can_send_record" => Answer::Ok(json!({"yes": true})),
        "get_group_info" => Answer::Ok(json!({
            "group_id": id("group_id", 20001), "group_name": "测试群", "member_count": 3, "max_member_count": 500,
            "group_all_shut": 0, "group_remark": ""
        })),
        "get_group_member_info" => Answer::Ok(json!({
            "group_id": id("group_id", 20001), "user_id": id("user_id", 30001), "nickname": "测试用户", "card": "",
            "sex": "unknown", "age": 0, "area": "", "join_time": 1_600_000_000, "last_sent_time": 1_700_000_000,
            "level": "1", "role": "member", "unfriendly": false, "title": "", "title_expire_time": 0,
            "card_changeable": true, "qq_level": 1, "is_robot": false, "shut_up_timestamp": 0
        })),
        "get_friend_list" => Answer::Ok(json!([{"user_id": 30001, "nickname": "测试用户", "remark": ""}])),
        "get_group_list" => {
            Answer::Ok(json!([{"group_id": 20001, "group_name": "测试群", "member_count": 3, "max_member_count": 500}]))
        }
        "get_stranger_info" => {
            Answer::Ok(json!({"user_id": id("user_id", 30001), "nickname": "测试用户", "sex": "unknown", "age": 0}))
        }
        "get_msg" => Answer::Fail { retcode: 1200, message: "消息不存在或已被撤回".into() },
        other => Answer::Fail { retcode: 1404, message: format!("不支持的API {other}") },
    }
}

/// The response envelope NapCat sends over WebSocket.
pub(crate) fn envelope(answer: &Answer, echo: Option<&Value>) -> Option<Value> {
    let mut o = Map::new();
    match answer {
        Answer::Silent => return None,
        Answer::Envelope(Value::Object(recorded)) => o.clone_from(recorded),
        // Not an object: sent as it is (a broken implementation), echo and all left out.
        Answer::Envelope(other) => return Some(other.clone()),
        Answer::Ok(data) => {
            o.insert("status".into(), json!("ok"));
            o.insert("retcode".into(), json!(0));
            o.insert("data".into(), data.clone());
            o.insert("message".into(), json!(""));
            o.insert("wording".into(), json!(""));
        }
        Answer::OkNoData => {
            o.insert("status".into(), json!("ok"));
            o.insert("retcode".into(), json!(0));
            o.insert("message".into(), json!(""));
            o.insert("wording".into(), json!(""));
        }
        Answer::Fail { retcode, message } => {
            o.insert("status".into(), json!("failed"));
            o.insert("retcode".into(), json!(retcode));
            o.insert("data".into(), Value::Null);
            o.insert("message".into(), json!(message));
            o.insert("wording".into(), json!(message));
        }
    }
    if let Some(echo) = echo {
        o.insert("echo".into(), echo.clone());
    }
    if !matches!(answer, Answer::Envelope(_)) {
        o.insert("stream".into(), json!("normal-action"));
    }
    Some(Value::Object(o))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::napcat::{FakeNapCat, Options};

    #[test]
    fn one_shot_answers_come_first_in_order_then_the_set_one() {
        let napcat = FakeNapCat::with(Options::default());
        napcat.answer("get_status", Answer::OkNoData);
        napcat.answer_once("get_status", Answer::Ok(json!(1)));
        napcat.answer_once("get_status", Answer::Ok(json!(2)));
        let next = || answer(&napcat.shared, "get_status", &json!({}));
        assert_eq!((next(), next(), next()), (Answer::Ok(json!(1)), Answer::Ok(json!(2)), Answer::OkNoData));
        napcat.answer_once("delete_msg", Answer::Silent);
        assert_eq!(napcat.take_queued_answers(), 1);
        assert_eq!(answer(&napcat.shared, "delete_msg", &json!({})), Answer::OkNoData, "the default again");
    }

    #[test]
    fn a_recorded_envelope_is_sent_verbatim_with_the_calls_echo() {
        let recorded = json!({"status": "failed", "retcode": 100, "msg": "GROUP_NOT_FOUND", "echo": "42"});
        let sent = envelope(&Answer::Envelope(recorded.clone()), Some(&json!(7)));
        assert_eq!(sent, Some(json!({"status": "failed", "retcode": 100, "msg": "GROUP_NOT_FOUND", "echo": 7})));
        assert_eq!(envelope(&Answer::Envelope(recorded.clone()), None), Some(recorded));
        assert_eq!(envelope(&Answer::Envelope(json!("garbage")), Some(&json!(7))), Some(json!("garbage")));
    }
}
