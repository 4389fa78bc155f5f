// `switchboard --help` and each command's own help, through the real binary: every subcommand
// is listed with its one-line summary, and asking a command for help never runs it.
#include "SwitchboardHome.h"

#include <catch2/catch.hpp>

#include <QFileInfo>
#include <QRegularExpression>

using namespace sb::test;

namespace {

const QString kBinary = QStringLiteral(SWITCHBOARD_BINARY);

// The subcommands the binary has. A command added to app/commands/CommandTable.cpp must be
// added here too, or the listing checks below fail.
const QStringList kCommands{QStringLiteral("token"),  QStringLiteral("hardware"), QStringLiteral("models"),
                            QStringLiteral("claude"), QStringLiteral("doctor"),   QStringLiteral("usage"),
                            QStringLiteral("config"), QStringLiteral("help")};

// The "  name  summary" lines after "Commands:", in order.
QStringList listedCommands(const QString &help)
{
    QStringList names;
    const int start = help.indexOf(QStringLiteral("Commands:\n"));
    if (start < 0)
        return names;
    static const QRegularExpression entry(QStringLiteral("^  ([a-z]+)  +(\\S.*)$"));
    for (const QString &line : help.mid(start).split(QLatin1Char('\n')).mid(1)) {
        const QRegularExpressionMatch match = entry.match(line);
        if (!match.hasMatch())
            break;
        names.append(match.captured(1));
    }
    return names;
}

} // namespace

TEST_CASE("--help lists every subcommand with a one-line summary, usage included", "[cli][help]")
{
    SwitchboardHome home(kBinary);
    REQUIRE(home.isValid());
    const CliResult help = home.run({QStringLiteral("--help")});
    INFO(help.output().toStdString() << help.errors().toStdString());
    REQUIRE(help.finished);
    CHECK(help.exitCode == 0);
    CHECK(listedCommands(help.output()) == kCommands);
    CHECK(help.output().contains(QStringLiteral("  usage     tokens, cost and savings from the spend log")));
    // The gateway's own options are still there.
    CHECK(help.output().contains(QStringLiteral("--headless")));
    CHECK(help.output().contains(QStringLiteral("--port <port>")));

    const CliResult list = home.run({QStringLiteral("help")});
    INFO(list.output().toStdString());
    CHECK(list.exitCode == 0);
    CHECK(listedCommands(list.output()) == kCommands);
}

TEST_CASE("each command's --help exits 0 with its usage, and help COMMAND says the same", "[cli][help]")
{
    SwitchboardHome home(kBinary);
    REQUIRE(home.isValid());
    for (const QString &command : kCommands) {
        INFO(command.toStdString());
        const CliResult own = home.run({command, QStringLiteral("--help")});
        INFO(own.output().toStdString() << own.errors().toStdString());
        REQUIRE(own.finished);
        CHECK(own.exitCode == 0);
        if (command == QLatin1String("help")) {
            CHECK(listedCommands(own.output()) == kCommands); // `help --help` is the list
            continue;
        }
        CHECK(own.output().startsWith(QStringLiteral("usage: switchboard ") + command));
        const CliResult viaHelp = home.run({QStringLiteral("help"), command});
        CHECK(viaHelp.exitCode == 0);
        CHECK(viaHelp.out == own.out);
        CHECK(home.run({command, QStringLiteral("-h")}).out == own.out);
    }
}

TEST_CASE("asking a command for help does not run it", "[cli][help]")
{
    SwitchboardHome home(kBinary);
    REQUIRE(home.isValid());
    // connect would write settings.json; token would write the default config and a token.
    CHECK(home.run({QStringLiteral("claude"), QStringLiteral("connect"), QStringLiteral("--help")}).exitCode == 0);
    CHECK_FALSE(QFileInfo::exists(home.settingsFile()));
    CHECK(home.run({QStringLiteral("token"), QStringLiteral("--help")}).exitCode == 0);
    CHECK_FALSE(QFileInfo::exists(home.path(QStringLiteral(".config/switchboard/config.yaml"))));
    // The usage line of a bad subcommand is unchanged: exit 2 on stderr.
    const CliResult wrong = home.run({QStringLiteral("models"), QStringLiteral("frobnicate"), QStringLiteral("x")});
    CHECK(wrong.exitCode == 2);
    CHECK(wrong.errors().contains(QStringLiteral("usage: switchboard models list | pull NAME | rm NAME")));
}

TEST_CASE("help for a command that does not exist fails and names it", "[cli][help]")
{
    SwitchboardHome home(kBinary);
    REQUIRE(home.isValid());
    const CliResult result = home.run({QStringLiteral("help"), QStringLiteral("frobnicate")});
    CHECK(result.exitCode == 2);
    CHECK(result.errors().contains(QStringLiteral("unknown command \"frobnicate\"")));
    CHECK(result.output().isEmpty());
}
