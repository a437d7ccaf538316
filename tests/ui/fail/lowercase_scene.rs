use qqbot::prelude::*;

#[command("hi", scenes = group)]
async fn hi() {}

fn main() {}
