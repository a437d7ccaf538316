use qqbot::prelude::*;

// An event handler has no regex match either.
#[on_event]
async fn joined(event: MemberJoined, caps: Captures) {
    let _ = (event, caps);
}

fn main() {}
