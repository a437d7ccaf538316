use qqbot::prelude::*;

#[derive(serde::Deserialize, Default)]
struct Config {
    #[allow(dead_code)]
    city: String,
}

qqbot::plugin! { name = "天气", description = "查天气", usage = "/天气", version = "1", config = Config }
qqbot::plugin! { name = "签到" }

async fn vip(ctx: &Ctx) -> bool {
    ctx.user_id().starts_with("vip")
}

#[command("/天气", plugin = "天气", permission = SUPERUSER | GROUP_ADMIN | vip)]
async fn weather(config: PluginConfig<Config>) -> String {
    config.city.clone()
}

#[on_event(plugin = "签到")]
async fn welcome(joined: MemberJoined) -> String {
    joined.user_id
}

fn main() {}
