#pragma once
// A text in several languages, carried as one string: each language's run starts with its
// language tag as RFC 2482 spells it (U+E0001 LANGUAGE TAG, then the tag's letters as
// U+E0020..U+E007E), the form RFC 4210 5.1.1 names for CMP's PKIFreeText. The bank writes its
// refusals so (ra/policy); the kiosk shows the run of its client's language. A text without
// tags (an operator's own words) is the same in every language.

#include <QList>
#include <QPair>
#include <QString>

namespace kk {

// Runs in order, each tagged: {{"ru", "…"}, {"kk", "…"}, {"en", "…"}}.
QString taggedText(const QList<QPair<QString, QString>> &runs);
// The run in `language`; else the first run; a text without tags as it is.
QString textInLanguage(const QString &text, const QString &language);
// The run in the kiosk's language now (QLocale's default, which LanguageController sets).
QString textInUiLanguage(const QString &text);
// For logs: every run, its tag written "[ru] ".
QString readableTaggedText(const QString &text);

} // namespace kk
