#include "CommandTable.h"

#include "ClaudeCommand.h"
#include "CommandSetup.h"
#include "ConfigCommand.h"
#include "DoctorCommand.h"
#include "HardwareCommand.h"
#include "ModelsCommand.h"
#include "TokenCommand.h"
#include "UsageCommand.h"

#include <algorithm>

namespace sb::cli {

namespace {

bool asksForHelp(const QStringList &words)
{
    return words.contains(QStringLiteral("--help")) || words.contains(QStringLiteral("-h"));
}

int runHelpCommand(const QStringList &words);

QList<CliCommand> buildTable()
{
    const QString gateway =
        QStringLiteral("  --config PATH    the config file (default ~/.config/switchboard/config.yaml)\n"
                       "  --host H, --port N, --base-url URL\n"
                       "                   the gateway to talk about (default: the config's)\n");
    return {
        {QStringLiteral("token"), QStringLiteral("print the token clients present to the gateway"),
         QStringLiteral("switchboard token [--config PATH]"),
         QStringLiteral("  --config PATH    the config file the gateway starts with; one with errors fails here too\n"),
         &runTokenCommand},
        {QStringLiteral("hardware"),
         QStringLiteral("what this machine can run: CPU, RAM, GPUs, runtimes and the models that fit"),
         QStringLiteral("switchboard hardware [--json]"),
         QStringLiteral("  --json           the machine and the advice as JSON\n"), &runHardwareCommand},
        {QStringLiteral("models"), QStringLiteral("the models in Ollama: list, pull with progress, remove"),
         QStringLiteral("switchboard models list [--json] | pull NAME | rm NAME  [--ollama URL] [--config PATH]"),
         QStringLiteral("  --ollama URL     the Ollama to manage (default: the config's first Ollama api_base,\n"
                        "                   else $OLLAMA_HOST, else http://127.0.0.1:11434)\n"
                        "  --json           list as JSON\n"),
         &runModelsCommand},
        {QStringLiteral("claude"),
         QStringLiteral("point Claude Code at the gateway, undo it, show or test the connection"),
         QStringLiteral("switchboard claude connect [--main-model M] [--small-model M] [--context N] [--cloud]\n"
                        "                        | disconnect | status [--json] | verify [--http] [--model M]"),
         gateway + QStringLiteral("  --token T        the token to write or test (default: the gateway's)\n"
                                  "  --project DIR    the project whose .claude/ settings apply (default: here)\n"),
         &runClaudeCommand},
        {QStringLiteral("doctor"),
         QStringLiteral("check the gateway, Ollama, the models and Claude Code; each failure with its fix"),
         QStringLiteral("switchboard doctor [--json] [--config PATH] [--host H] [--port N] [--ollama URL]"),
         gateway + QStringLiteral("  --ollama URL     the Ollama to check (default: the config's)\n"
                                  "  --json           the checks as JSON\n"),
         &runDoctorCommand},
        {QStringLiteral("usage"),
         QStringLiteral("tokens, cost and savings from the spend log, by day, model, deployment or session"),
         QStringLiteral("switchboard usage [--since DATE|Nd] [--by day|model|deployment|session] [--last N] [--csv] "
                        "[--config PATH] [--db PATH]"),
         QStringLiteral("  --since DATE|Nd  from 2026-11-01 (UTC), an ISO date-time, or the last N days\n"
                        "  --last N         the last N requests instead of totals\n"
                        "  --csv            comma-separated values\n"
                        "  --db PATH        the spend log (default: the config's, else the data folder's)\n"),
         &runUsageCommand},
        {QStringLiteral("config"),
         QStringLiteral("check a config without starting anything: every error and warning with file:line"),
         QStringLiteral("switchboard config check [FILE] [--json] [--host H] [--port N]"),
         QStringLiteral("  FILE             the config (default ~/.config/switchboard/config.yaml)\n"
                        "  --json           the result and every issue as JSON\n"
                        "  --host H, --port N\n"
                        "                   where the gateway would listen (as the gateway's options)\n"
                        "  exit code        0: the gateway would start; 1: it would not; 2: usage error\n"),
         &runConfigCommand},
        {QStringLiteral("help"), QStringLiteral("this list, or one command's usage and options"),
         QStringLiteral("switchboard help [COMMAND]"), QString(), &runHelpCommand},
    };
}

int runHelpCommand(const QStringList &words)
{
    const QString name = asksForHelp(words) ? QString() : words.value(1);
    if (name.isEmpty()) {
        out() << "Switchboard: run Claude Code on your own models.\n\n"
              << commandSummaries()
              << "\nWithout a command it runs the gateway (`switchboard --help` lists its options).\n";
        return 0;
    }
    const CliCommand *command = findCommand(name);
    if (!command) {
        err() << "switchboard: unknown command \"" << name << "\" (see switchboard help)\n";
        return 2;
    }
    out() << commandHelp(*command);
    return 0;
}

// The command's words from its name on; empty when the first word names no command.
QStringList commandWords(const QStringList &args)
{
    QStringList words = args;
    if (words.size() > 1 && !findCommand(words.first()) && findCommand(words.at(1)))
        words.removeFirst(); // the program name
    if (words.isEmpty() || !findCommand(words.first()))
        return {};
    return words;
}

} // namespace

const QList<CliCommand> &commandTable()
{
    static const QList<CliCommand> table = buildTable();
    return table;
}

const CliCommand *findCommand(const QString &name)
{
    const QList<CliCommand> &table = commandTable();
    const auto found =
        std::find_if(table.begin(), table.end(), [&name](const CliCommand &command) { return command.name == name; });
    return found == table.end() ? nullptr : &*found;
}

QString commandSummaries()
{
    int width = 0;
    for (const CliCommand &command : commandTable())
        width = std::max(width, int(command.name.size()));
    QString text = QStringLiteral("Commands:\n");
    for (const CliCommand &command : commandTable())
        text += QStringLiteral("  ") + command.name.leftJustified(width + 2) + command.summary + QLatin1Char('\n');
    text += QStringLiteral("`switchboard help COMMAND` or `switchboard COMMAND --help` shows a command's options.\n");
    return text;
}

QString commandHelp(const CliCommand &command)
{
    QString text =
        QStringLiteral("usage: ") + command.usage + QStringLiteral("\n\n") + command.summary + QStringLiteral(".\n");
    if (!command.options.isEmpty())
        text += QStringLiteral("\n") + command.options;
    return text;
}

int runCommand(const QStringList &args, bool *handled)
{
    const QStringList words = commandWords(args);
    if (handled)
        *handled = !words.isEmpty();
    if (words.isEmpty())
        return 0;
    const CliCommand *command = findCommand(words.first());
    if (command->name != QLatin1String("help") && asksForHelp(words)) {
        out() << commandHelp(*command);
        out().flush();
        return 0;
    }
    const std::unique_ptr<QCoreApplication> ownApp = ensureCoreApplication();
    const int code = command->run(words);
    out().flush();
    err().flush();
    return code;
}

} // namespace sb::cli
