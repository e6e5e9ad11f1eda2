#include "keykiosk/languagetext.h"

#include <QLocale>

namespace kk {

namespace {

constexpr char32_t kLanguageTag = 0xE0001;
constexpr char32_t kTagBase = 0xE0000; // U+E0020..U+E007E mirror ASCII 0x20..0x7E

QString tagOf(const QString &language)
{
    std::u32string tag(1, kLanguageTag);
    for (QChar c : language)
        tag += char32_t(kTagBase + c.unicode());
    return QString::fromStdU32String(tag);
}

struct Run
{
    QString language;
    QString text;
};

// The tagged runs of a text; a text without tags is one run with no language.
QList<Run> runsOf(const QString &text)
{
    const std::u32string chars = text.toStdU32String();
    QList<Run> runs;
    Run current;
    std::u32string body;
    auto finish = [&] {
        current.text = QString::fromStdU32String(body).trimmed();
        if (!current.text.isEmpty() || !current.language.isEmpty())
            runs << current;
        current = {};
        body.clear();
    };
    for (std::size_t i = 0; i < chars.size(); ++i) {
        if (chars[i] != kLanguageTag) {
            body += chars[i];
            continue;
        }
        finish();
        while (i + 1 < chars.size() && chars[i + 1] > kTagBase + 0x1F &&
               chars[i + 1] < kTagBase + 0x7F)
            current.language += QChar(char16_t(chars[++i] - kTagBase));
    }
    finish();
    return runs;
}

} // namespace

QString taggedText(const QList<QPair<QString, QString>> &runs)
{
    QString text;
    for (const auto &[language, run] : runs)
        text += (text.isEmpty() ? QString() : QStringLiteral(" ")) + tagOf(language) + run;
    return text;
}

QString textInLanguage(const QString &text, const QString &language)
{
    const QList<Run> runs = runsOf(text);
    if (runs.isEmpty())
        return text.trimmed();
    for (const Run &run : runs) {
        if (run.language == language)
            return run.text;
    }
    return runs.first().text;
}

QString textInUiLanguage(const QString &text)
{
    return textInLanguage(text, QLocale().name().left(2));
}

QString readableTaggedText(const QString &text)
{
    QStringList parts;
    for (const Run &run : runsOf(text))
        parts << (run.language.isEmpty() ? run.text
                                         : QStringLiteral("[%1] %2").arg(run.language, run.text));
    return parts.join(QLatin1Char(' '));
}

} // namespace kk
