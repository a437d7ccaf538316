use qqbot::prelude::*;

#[on_event]
async fn welcome(count: u32) {
    let _ = count;
}

fn main() {}
