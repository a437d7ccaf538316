//! The built-in `/help`, generated from the command descriptors: one entry per command word (several handlers
//! sharing a word are one entry), only the commands valid in the asking scene and for the asker's role.

use std::sync::Arc;

use super::bot_command::BotCommand;
use crate::event::Scene;
use crate::i18n::{Lang, Text};

/// Whether `cmd` may be used in `scene` by someone who is (or is not) an admin: what `/help` shows.
pub(crate) fn usable(cmd: &BotCommand, scene: Scene, is_admin: bool) -> bool {
    cmd.scenes.contains(scene) && (!cmd.admin || is_admin)
}

/// The word a command is known by: its first word, or its name for a regex command.
fn primary(cmd: &BotCommand) -> &str {
    cmd.words.first().map_or(cmd.name.as_str(), String::as_str)
}

/// Commands grouped by primary word, in dispatch order of each group's first command.
fn entries<'a>(commands: impl Iterator<Item = &'a Arc<BotCommand>>) -> Vec<Vec<&'a BotCommand>> {
    let mut out: Vec<Vec<&BotCommand>> = Vec::new();
    for cmd in commands {
        match out.iter_mut().find(|e| primary(e[0]) == primary(cmd)) {
            Some(entry) => entry.push(cmd),
            None => out.push(vec![cmd]),
        }
    }
    out
}

fn aliases(entry: &[&BotCommand]) -> Vec<String> {
    let key = primary(entry[0]);
    let mut out: Vec<String> = Vec::new();
    for word in entry.iter().flat_map(|c| c.words.iter()) {
        if word != key && !out.contains(word) {
            out.push(word.clone());
        }
    }
    out
}

fn entry_line(entry: &[&BotCommand], lang: Lang) -> String {
    let mut line = entry[0].usage(lang);
    let aliases = aliases(entry);
    if !aliases.is_empty() {
        line.push_str(&Text::HelpAliases(&aliases.join(" ")).render(lang));
    }
    if let Some(summary) = entry.iter().map(|c| c.summary()).find(|s| !s.is_empty()) {
        line.push_str(" — ");
        // A paragraph may span several doc lines; one entry stays one line.
        line.push_str(&summary.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    line
}

/// The `/help` text listing every command, in dispatch order, whoever asks and wherever.
pub fn help_text(commands: &[Arc<BotCommand>], lang: Lang) -> String {
    let mut out = Text::HelpHeader.render(lang);
    for entry in entries(commands.iter()) {
        out.push('\n');
        out.push_str(&entry_line(&entry, lang));
    }
    out
}

/// The `/help` text for someone in `scene`: only the commands they may use there. `help_word` is the word the
/// footer tells them to send with a command name.
pub fn help_for(commands: &[Arc<BotCommand>], scene: Scene, is_admin: bool, lang: Lang, help_word: &str) -> String {
    let visible = entries(commands.iter().filter(|c| usable(c, scene, is_admin)));
    if visible.is_empty() {
        return Text::HelpEmpty.render(lang);
    }
    let mut out = Text::HelpHeader.render(lang);
    // Commands without a plugin first, then each plugin's under its name, plugins in order of first appearance.
    let mut plugins: Vec<&str> = Vec::new();
    for entry in &visible {
        match entry[0].plugin.as_deref() {
            None => {
                out.push('\n');
                out.push_str(&entry_line(entry, lang));
            }
            Some(p) if !plugins.contains(&p) => plugins.push(p),
            Some(_) => {}
        }
    }
    for plugin in plugins {
        out.push('\n');
        out.push_str(&Text::HelpPluginHeader(plugin).render(lang));
        for entry in visible.iter().filter(|e| e[0].plugin.as_deref() == Some(plugin)) {
            out.push_str("\n  ");
            out.push_str(&entry_line(entry, lang));
        }
    }
    out.push('\n');
    out.push_str(&Text::HelpFooter(help_word).render(lang));
    out
}

/// `/help <plugin>`: the plugin's description, usage and version (from `plugin!`) and its commands usable here,
/// if a plugin of that name has any command usable here or was declared with `plugin!`.
pub fn help_plugin(
    commands: &[Arc<BotCommand>],
    plugins: &[crate::plugin::PluginMeta],
    name: &str,
    scene: Scene,
    is_admin: bool,
    lang: Lang,
) -> Option<String> {
    let meta = plugins.iter().find(|m| m.name == name);
    let visible = entries(commands.iter().filter(|c| usable(c, scene, is_admin) && c.plugin.as_deref() == Some(name)));
    if meta.is_none() && visible.is_empty() {
        return None;
    }
    let mut out = Text::HelpPluginHeader(name).render(lang);
    if let Some(meta) = meta {
        for line in [meta.description.as_str(), meta.usage.as_str()].into_iter().filter(|l| !l.is_empty()) {
            out.push('\n');
            out.push_str(line);
        }
        if !meta.version.is_empty() {
            out.push('\n');
            out.push_str(&Text::HelpPluginVersion(&meta.version).render(lang));
        }
    }
    for entry in visible {
        out.push('\n');
        out.push_str(&entry_line(&entry, lang));
    }
    Some(out)
}

/// `/help <name>`: the usage line, other words and whole help text of the command named `name` (a word, with
/// or without its `/`, or the command's name), if one is usable here.
pub fn help_command(
    commands: &[Arc<BotCommand>],
    name: &str,
    scene: Scene,
    is_admin: bool,
    lang: Lang,
) -> Option<String> {
    let bare = |w: &str| w.trim_start_matches(['/', '／']).to_owned();
    let wanted = bare(name.trim());
    let entry = entries(commands.iter().filter(|c| usable(c, scene, is_admin)))
        .into_iter()
        .find(|entry| entry.iter().any(|c| c.name == wanted || c.words.iter().any(|w| bare(w) == wanted)))?;
    let mut out = Text::Usage(&entry[0].usage(lang)).render(lang);
    let aliases = aliases(&entry);
    if !aliases.is_empty() {
        out.push_str(&Text::HelpAliases(&aliases.join(" ")).render(lang));
    }
    let mut shown: Vec<&str> = Vec::new();
    for help in entry.iter().map(|c| c.help.trim()).filter(|h| !h.is_empty()) {
        if !shown.contains(&help) {
            shown.push(help);
            out.push('\n');
            out.push_str(help);
        }
    }
    Some(out)
}
