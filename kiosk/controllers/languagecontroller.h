#pragma once
// Switches the UI language at run time: Russian (default), Kazakh, English.

#include <QObject>
#include <QStringList>
#include <QTranslator>

#include <memory>

class QQmlEngine;

namespace kk {

class LanguageController : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString language READ language WRITE setLanguage NOTIFY languageChanged)
    Q_PROPERTY(QStringList languages READ languages CONSTANT)
public:
    explicit LanguageController(QObject *parent = nullptr);
    ~LanguageController() override;

    QString language() const { return m_language; }
    QStringList languages() const
    {
        return {QStringLiteral("ru"), QStringLiteral("kk"), QStringLiteral("en")};
    }
    // Returns false (and keeps the current language) for an unknown or missing language.
    bool setLanguage(const QString &language);
    void setEngine(QQmlEngine *engine) { m_engine = engine; }
    // The language's own name, for the switch ("Русский", "Қазақша", "English").
    Q_INVOKABLE QString nativeName(const QString &language) const;

signals:
    void languageChanged();

private:
    QString m_language;
    std::unique_ptr<QTranslator> m_translator;
    QQmlEngine *m_engine = nullptr;
};

} // namespace kk
