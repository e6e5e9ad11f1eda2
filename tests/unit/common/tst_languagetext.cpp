// Texts in several languages in one string (keykiosk/languagetext.h): the bank's three runs,
// each tagged as RFC 2482 spells it, come apart again by language; a text without tags (an
// operator's own words) is the same in every language; a log sees every run with its tag.
#include "keykiosk/languagetext.h"

#include <QtTest>

using namespace kk;

class TestLanguageText : public QObject
{
    Q_OBJECT
private slots:
    void eachLanguageGetsItsRun()
    {
        const QString text =
            taggedText({{QStringLiteral("ru"), QStringLiteral("Сертификат отозван")},
                        {QStringLiteral("kk"), QStringLiteral("Сертификат кері шақырылған")},
                        {QStringLiteral("en"), QStringLiteral("certificate revoked")}});
        // The tags are the RFC's: U+E0001, then the letters at U+E0000 + ASCII.
        QVERIFY(text.startsWith(QString::fromStdU32String(U"\U000E0001\U000E0072\U000E0075")));
        QCOMPARE(textInLanguage(text, QStringLiteral("ru")), QStringLiteral("Сертификат отозван"));
        QCOMPARE(textInLanguage(text, QStringLiteral("kk")),
                 QStringLiteral("Сертификат кері шақырылған"));
        QCOMPARE(textInLanguage(text, QStringLiteral("en")), QStringLiteral("certificate revoked"));
        // A language the bank did not write: its first run.
        QCOMPARE(textInLanguage(text, QStringLiteral("de")), QStringLiteral("Сертификат отозван"));
        QCOMPARE(readableTaggedText(text),
                 QStringLiteral("[ru] Сертификат отозван [kk] Сертификат кері шақырылған [en] "
                                "certificate revoked"));
    }

    void untaggedTextIsTheSameInEveryLanguage()
    {
        const QString words = QStringLiteral("Неверно указан ИНН организации");
        QCOMPARE(textInLanguage(words, QStringLiteral("kk")), words);
        QCOMPARE(textInLanguage(words, QStringLiteral("en")), words);
        QCOMPARE(readableTaggedText(words), words);
        QCOMPARE(textInLanguage(QString(), QStringLiteral("ru")), QString());
    }

    void theKioskLanguageDecides()
    {
        const QString text = taggedText({{QStringLiteral("ru"), QStringLiteral("да")},
                                         {QStringLiteral("en"), QStringLiteral("yes")}});
        const QLocale before;
        QLocale::setDefault(QLocale(QStringLiteral("en")));
        QCOMPARE(textInUiLanguage(text), QStringLiteral("yes"));
        QLocale::setDefault(QLocale(QStringLiteral("ru")));
        QCOMPARE(textInUiLanguage(text), QStringLiteral("да"));
        QLocale::setDefault(before);
    }
};

QTEST_GUILESS_MAIN(TestLanguageText)
#include "tst_languagetext.moc"
