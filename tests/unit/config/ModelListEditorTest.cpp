#include "config/ModelListEditor.h"
#include "config/ConfigEditor.h"
#include "config/ConfigLoader.h"
#include "config/YamlTextEdit.h"

#include <catch2/catch.hpp>

#include <QFile>
#include <QTemporaryDir>

using namespace sb;

namespace {

const QByteArray kFile = "# my gateway\n"
                         "model_list:\n"
                         "  # the small one\n"
                         "  - model_name: \"claude-*haiku*\"   # background\n"
                         "    litellm_params:\n"
                         "      model: ollama/qwen2.5-coder:1.5b\n"
                         "      num_ctx: 32768   # keep\n"
                         "    x_mine: 1\n"
                         "\n"
                         "  - model_name: \"claude-*\"\n"
                         "    litellm_params:\n"
                         "      model: ollama/qwen2.5-coder:7b\n"
                         "      api_base: http://127.0.0.1:11434\n"
                         "      rpm: 60\n"
                         "my_own_notes: {keep: me}\n"
                         "# the end\n";

QList<MappingRow> rowsOf(const QByteArray &yaml)
{
    const auto rows = ModelListEditor::read(yaml);
    REQUIRE(rows);
    return *rows;
}

QStringList names(const QByteArray &yaml)
{
    QStringList out;
    const ConfigLoadResult loaded = ConfigLoader::loadText(yaml, QStringLiteral("t.yaml"));
    for (const ConfigIssue &issue : loaded.issues)
        INFO(issue.toString().toStdString());
    REQUIRE(loaded.ok());
    for (const Deployment &d : loaded.config.deployments)
        out.append(d.modelName + QLatin1Char('=') + d.model);
    return out;
}

} // namespace

TEST_CASE("ModelListEditor reads what each item writes, strings as written", "[config][mappings]")
{
    const QList<MappingRow> rows = rowsOf(kFile);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].source == 0);
    CHECK(rows[0].value(QStringLiteral("model_name")).toString() == QStringLiteral("claude-*haiku*"));
    CHECK(rows[0].value(QStringLiteral("litellm_params.num_ctx")).toString() == QStringLiteral("32768"));
    CHECK_FALSE(rows[0].has(QStringLiteral("litellm_params.api_base")));
    CHECK(rows[1].value(QStringLiteral("litellm_params.rpm")).toString() == QStringLiteral("60"));
    CHECK(rowsOf("switchboard: {port: 4000}\n").isEmpty());
    CHECK_FALSE(ModelListEditor::read("model_list: 3\n"));
}

TEST_CASE("ModelListEditor writes unchanged rows back byte for byte", "[config][mappings]")
{
    const auto same = ModelListEditor::write(kFile, rowsOf(kFile));
    REQUIRE(same);
    CHECK(*same == kFile);
}

TEST_CASE("ModelListEditor changes a value on its line and removes a cleared one", "[config][mappings]")
{
    QList<MappingRow> rows = rowsOf(kFile);
    rows[1].values[QStringLiteral("litellm_params.model")] = QStringLiteral("ollama/qwen3:8b");
    rows[1].values[QStringLiteral("litellm_params.num_ctx")] = 65536;
    rows[1].values.remove(QStringLiteral("litellm_params.rpm"));
    const auto edited = ModelListEditor::write(kFile, rows);
    REQUIRE(edited);
    CHECK(edited->contains("      model: ollama/qwen3:8b\n"));
    CHECK(edited->contains("      num_ctx: 65536\n"));
    CHECK_FALSE(edited->contains("rpm"));
    CHECK(edited->contains("      num_ctx: 32768   # keep\n"));
    CHECK(edited->contains("    x_mine: 1\n"));
    CHECK(edited->startsWith("# my gateway\n"));
    CHECK(edited->endsWith("my_own_notes: {keep: me}\n# the end\n"));
    CHECK(names(*edited) == QStringList{QStringLiteral("claude-*haiku*=ollama/qwen2.5-coder:1.5b"),
                                        QStringLiteral("claude-*=ollama/qwen3:8b")});
}

TEST_CASE("ModelListEditor moves items with their comments and keys it does not show", "[config][mappings]")
{
    QList<MappingRow> rows = rowsOf(kFile);
    std::swap(rows[0], rows[1]);
    const auto moved = ModelListEditor::write(kFile, rows);
    REQUIRE(moved);
    CHECK(names(*moved) == QStringList{QStringLiteral("claude-*=ollama/qwen2.5-coder:7b"),
                                       QStringLiteral("claude-*haiku*=ollama/qwen2.5-coder:1.5b")});
    // The comment above the first item and its unknown key travel with it.
    const int comment = moved->indexOf("  # the small one\n");
    const int haiku = moved->indexOf("  - model_name: \"claude-*haiku*\"   # background\n");
    REQUIRE(comment > 0);
    CHECK(haiku == comment + int(qstrlen("  # the small one\n")));
    CHECK(moved->indexOf("    x_mine: 1\n") > haiku);
    CHECK(moved->endsWith("my_own_notes: {keep: me}\n# the end\n"));
    // And back again gives the file as it was, apart from where the blank line between them went.
    QList<MappingRow> back = rowsOf(*moved);
    std::swap(back[0], back[1]);
    const auto again = ModelListEditor::write(*moved, back);
    REQUIRE(again);
    CHECK(QByteArray(*again).replace("\n\n", "\n") == QByteArray(kFile).replace("\n\n", "\n"));
}

TEST_CASE("ModelListEditor removes, duplicates and adds items in the file's indentation", "[config][mappings]")
{
    QList<MappingRow> rows = rowsOf(kFile);
    MappingRow added;
    added.values[QStringLiteral("model_name")] = QStringLiteral("gpt-4o");
    added.values[QStringLiteral("litellm_params.model")] = QStringLiteral("openai/gpt-4o");
    added.values[QStringLiteral("litellm_params.api_key")] = QStringLiteral("keychain/provider-key/openai");
    added.values[QStringLiteral("litellm_params.weight")] = 2.5;
    added.values[QStringLiteral("model_info.id")] = QStringLiteral("cloud-4o");
    MappingRow copy = rows[1];
    copy.source = -1;
    copy.values[QStringLiteral("model_name")] = QStringLiteral("claude-opus-*");
    const QList<MappingRow> edited = {rows[1], copy, added};
    const auto text = ModelListEditor::write(kFile, edited);
    REQUIRE(text);
    CHECK_FALSE(text->contains("haiku"));
    CHECK_FALSE(text->contains("# the small one"));
    CHECK(text->contains("  - model_name: gpt-4o\n"
                         "    litellm_params:\n"
                         "      model: openai/gpt-4o\n"
                         "      api_key: keychain/provider-key/openai\n"
                         "      weight: 2.5\n"
                         "    model_info:\n"
                         "      id: cloud-4o\n"));
    CHECK(names(*text) == QStringList{QStringLiteral("claude-*=ollama/qwen2.5-coder:7b"),
                                      QStringLiteral("claude-opus-*=ollama/qwen2.5-coder:7b"),
                                      QStringLiteral("gpt-4o=openai/gpt-4o")});
    CHECK(text->endsWith("my_own_notes: {keep: me}\n# the end\n"));
}

TEST_CASE("ModelListEditor starts a list where there is none and empties one", "[config][mappings]")
{
    MappingRow row;
    row.values[QStringLiteral("model_name")] = QStringLiteral("claude-*");
    row.values[QStringLiteral("litellm_params.model")] = QStringLiteral("ollama/qwen3:8b");
    const auto fresh = ModelListEditor::write("switchboard:\n  port: 4000 # mine\n", {row});
    REQUIRE(fresh);
    CHECK(fresh->startsWith("switchboard:\n  port: 4000 # mine\n"));
    CHECK(names(*fresh) == QStringList{QStringLiteral("claude-*=ollama/qwen3:8b")});
    const auto fromEmpty = ModelListEditor::write("model_list: []\nswitchboard: {}\n", {row});
    REQUIRE(fromEmpty);
    CHECK(names(*fromEmpty) == QStringList{QStringLiteral("claude-*=ollama/qwen3:8b")});
    const auto emptied = ModelListEditor::write(kFile, {});
    REQUIRE(emptied);
    CHECK(emptied->contains("model_list: []\n"));
    CHECK_FALSE(emptied->contains("claude"));
    CHECK(emptied->endsWith("my_own_notes: {keep: me}\n# the end\n"));
}

TEST_CASE("ModelListEditor refuses what text edits cannot do, and says why", "[config][mappings]")
{
    const QByteArray inlineList = "model_list: [{model_name: a, litellm_params: {model: ollama/x}}, "
                                  "{model_name: b, litellm_params: {model: ollama/y}}]\n";
    QList<MappingRow> rows = rowsOf(inlineList);
    REQUIRE(rows.size() == 2);
    std::swap(rows[0], rows[1]);
    const auto moved = ModelListEditor::write(inlineList, rows);
    REQUIRE_FALSE(moved);
    CHECK(moved.error().contains(QStringLiteral("inline")));
    // A stale row list (made from another text) is refused, not applied to the wrong item.
    QList<MappingRow> stale = rowsOf(kFile);
    stale[1].source = 5;
    CHECK_FALSE(ModelListEditor::write(kFile, stale));
}

TEST_CASE("ConfigEditor::commitText refuses a file changed since it was read", "[config][mappings]")
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("config.yaml"));
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write(kFile);
    file.close();
    QList<MappingRow> rows = rowsOf(kFile);
    rows[0].values[QStringLiteral("litellm_params.num_ctx")] = 16384;
    const auto edited = ModelListEditor::write(kFile, rows);
    REQUIRE(edited);
    CHECK_FALSE(ConfigEditor::commitText(path, *edited, QByteArray("model_list: []\n")));
    REQUIRE(ConfigEditor::commitText(path, *edited, kFile));
    QFile saved(path);
    REQUIRE(saved.open(QIODevice::ReadOnly));
    CHECK(saved.readAll() == *edited);
    QFile backup(ConfigEditor::backupPath(path));
    REQUIRE(backup.open(QIODevice::ReadOnly));
    CHECK(backup.readAll() == kFile);
}

TEST_CASE("YamlTextEdit::removeKey removes one line and nothing else", "[config][mappings]")
{
    const auto removed = YamlTextEdit::removeKey(kFile, QStringLiteral("model_list[1].litellm_params.rpm"));
    REQUIRE(removed);
    CHECK(*removed == QByteArray(kFile).replace("      rpm: 60\n", ""));
    const auto absent = YamlTextEdit::removeKey(kFile, QStringLiteral("model_list[0].litellm_params.rpm"));
    REQUIRE(absent);
    CHECK(*absent == kFile);
    // The first key of an item carries its dash: not removable by deleting the line.
    CHECK_FALSE(YamlTextEdit::removeKey(kFile, QStringLiteral("model_list[0].model_name")));
}
