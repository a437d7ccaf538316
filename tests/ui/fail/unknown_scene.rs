use qqbot::prelude::*;

#[command("hi", scenes = GROUP | GROPU)]
async fn hi() {}

fn main() {}
