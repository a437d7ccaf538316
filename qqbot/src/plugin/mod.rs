//! Plugins: a named group of commands and event handlers (NoneBot's and Koishi's plugins), with metadata
//! declared once by [`plugin!`](crate::plugin!), an optional typed configuration section `[plugins."<name>"]` (TOML needs the quotes around a Chinese name),
//! and run-time switches per group and per user ([`Switches`]) kept in the session store.
//!
//! ```
//! #[derive(serde::Deserialize, Default)]
//! struct WeatherConfig { city: String }
//!
//! qqbot::plugin! {
//!     name = "天气",
//!     description = "查询天气",
//!     usage = "/天气 <城市>",
//!     version = "1.0",
//!     config = WeatherConfig,
//! }
//! ```
//!
//! A command joins a plugin with `#[command("天气", plugin = "天气")]` (or [`BotCommand::plugin`](crate::BotCommand::plugin));
//! a plugin name used without `plugin!` works too, it just has no description.

mod switches;

use std::any::{Any, TypeId};
use std::sync::Arc;

pub use switches::{PluginPolicy, SWITCHES_KEY, SwitchError, SwitchScope, Switches};

/// What `plugin!` declares about one plugin.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct PluginMeta {
    /// The plugin's name, as `plugin = "…"` names it and `/插件` shows it.
    pub name: String,
    /// What it does (shown by `/help <plugin>`).
    pub description: String,
    /// How to use it.
    pub usage: String,
    /// Its version.
    pub version: String,
}

impl PluginMeta {
    /// Metadata with only a name.
    pub fn new(name: impl Into<String>) -> Self {
        PluginMeta { name: name.into(), ..Default::default() }
    }

    /// Sets the description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = text.into();
        self
    }

    /// Sets the usage.
    pub fn usage(mut self, text: impl Into<String>) -> Self {
        self.usage = text.into();
        self
    }

    /// Sets the version.
    pub fn version(mut self, text: impl Into<String>) -> Self {
        self.version = text.into();
        self
    }
}

/// Reads a plugin's typed configuration out of its `[plugins.<name>]` table (the switch keys removed).
pub type ConfigLoader = fn(Option<toml::Value>) -> Result<(TypeId, Arc<dyn Any + Send + Sync>), String>;

/// A `plugin!` registration collected at link time. Generated code only.
#[doc(hidden)]
pub struct PluginRegistration {
    pub meta: fn() -> PluginMeta,
    pub config: Option<ConfigLoader>,
}

inventory::collect!(PluginRegistration);

/// A plugin's configuration as the app keeps it (what the `PluginConfig<T>` extractor hands out).
#[doc(hidden)]
pub struct ConfigSlot<T>(pub Arc<T>);

/// Deserializes `T` from a plugin's table (absent: `T::default()`). Generated code only.
#[doc(hidden)]
pub fn load_config<T>(value: Option<toml::Value>) -> Result<(TypeId, Arc<dyn Any + Send + Sync>), String>
where
    T: serde::de::DeserializeOwned + Default + Send + Sync + 'static,
{
    let config: T = match value {
        None => T::default(),
        Some(v) => v.try_into().map_err(|e: toml::de::Error| e.to_string())?,
    };
    Ok((TypeId::of::<ConfigSlot<T>>(), Arc::new(ConfigSlot(Arc::new(config)))))
}

/// The keys of `[plugins.<name>]` the framework reads itself (switch defaults); the rest is the plugin's own.
pub const SWITCH_KEYS: &[&str] = &["enabled_by_default", "allow_groups", "deny_groups", "allow_users", "deny_users"];

/// Declares a plugin's metadata (and optionally its configuration type) once:
///
/// ```
/// qqbot::plugin! { name = "签到", description = "每日签到", usage = "/签到", version = "0.1" }
/// ```
///
/// Keys: `name` (required, first), then any of `description`, `usage`, `version`, `config` (a type that is
/// `serde::Deserialize + Default`, read from `[plugins.<name>]` in `qqbot.toml` when the app starts and reached
/// with the `PluginConfig<T>` extractor), in this order.
#[macro_export]
macro_rules! plugin {
    (name = $name:literal $(, description = $desc:literal)? $(, usage = $usage:literal)? $(, version = $version:literal)? $(, config = $config:ty)? $(,)?) => {
        const _: () = {
            fn __qqbot_plugin_meta() -> $crate::plugin::PluginMeta {
                #[allow(unused_mut)]
                let mut meta = $crate::plugin::PluginMeta::new($name);
                $(meta = meta.description($desc);)?
                $(meta = meta.usage($usage);)?
                $(meta = meta.version($version);)?
                meta
            }
            $crate::__private::inventory::submit! {
                $crate::plugin::PluginRegistration {
                    meta: __qqbot_plugin_meta,
                    config: $crate::__plugin_config!($($config)?),
                }
            }
        };
    };
    ($($key:ident = $value:expr),* $(,)?) => {
        // Each key named as an item, so an unknown one is reported on the key with the closest known name.
        const _: () = {
            $(#[allow(unused_imports)] use $crate::plugin::plugin_keys::$key;)*
        };
        ::core::compile_error!(
            "`plugin!` takes `name = \"…\"` first, then any of `description = \"…\"`, `usage = \"…\"`, `version = \"…\"`, `config = Type`, in this order"
        );
    };
    ($($other:tt)*) => {
        ::core::compile_error!(
            "`plugin!` takes `name = \"…\"` first, then any of `description = \"…\"`, `usage = \"…\"`, `version = \"…\"`, `config = Type`, in this order"
        );
    };
}

/// The keys `plugin!` knows, as items, for its error messages. Generated code only.
#[doc(hidden)]
#[allow(non_upper_case_globals)]
pub mod plugin_keys {
    pub const name: () = ();
    pub const description: () = ();
    pub const usage: () = ();
    pub const version: () = ();
    pub const config: () = ();
}

#[doc(hidden)]
#[macro_export]
macro_rules! __plugin_config {
    () => {
        ::core::option::Option::None
    };
    ($config:ty) => {
        ::core::option::Option::Some($crate::plugin::load_config::<$config> as $crate::plugin::ConfigLoader)
    };
}

/// Every plugin the binary registered with `plugin!`, plus `extra`, and the loaded typed configurations.
pub(crate) struct Plugins {
    pub(crate) metas: Vec<PluginMeta>,
    pub(crate) configs: Vec<(TypeId, Arc<dyn Any + Send + Sync>)>,
}

/// Collects the registered plugins and reads their configuration sections; a section that does not fit stops
/// start-up with an error naming the plugin, the problem and the file.
pub(crate) fn load(
    registered: bool,
    used: &[&str],
    extra: &[(PluginMeta, Option<ConfigLoader>)],
    config: &crate::config::Config,
) -> crate::Result<Plugins> {
    let mut metas = Vec::new();
    let mut configs = Vec::new();
    // An app without the binary's registrations (`App::empty`) still knows the plugins its own commands name.
    let all = inventory::iter::<PluginRegistration>
        .into_iter()
        .map(|r| ((r.meta)(), r.config))
        .filter(|(meta, _)| registered || used.contains(&meta.name.as_str()))
        .chain(extra.iter().cloned());
    for (meta, loader) in all {
        if let Some(loader) = loader {
            let section = config.plugin_section(&meta.name).map(|mut t| {
                for key in SWITCH_KEYS {
                    t.remove(*key);
                }
                toml::Value::Table(t)
            });
            let loaded = loader(section).map_err(|e| {
                crate::Error::config(config.source_name(), format!("[plugins.{}]: {}", meta.name, e.trim_end()))
            })?;
            configs.push(loaded);
        }
        metas.push(meta);
    }
    Ok(Plugins { metas, configs })
}
