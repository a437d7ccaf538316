use qqbot::prelude::*;

struct Bot;

impl Bot {
    #[command("hi")]
    async fn hi(&self) {}
}

fn main() {}
