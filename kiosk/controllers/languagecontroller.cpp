#include "languagecontroller.h"

#include "keykiosk/logging.h"

#include <QCoreApplication>
#include <QLocale>
#include <QQmlEngine>

static void initTranslations()
{
    Q_INIT_RESOURCE(translations);
}

namespace kk {

LanguageController::LanguageController(QObject *parent) : QObject(parent)
{
    initTranslations();
}

LanguageController::~LanguageController()
{
    if (m_translator)
        QCoreApplication::removeTranslator(m_translator.get());
}

bool LanguageController::setLanguage(const QString &language)
{
    if (language == m_language)
        return true;
    if (!languages().contains(language)) {
        qCWarning(lcKiosk) << "unknown language" << language;
        return false;
    }
    auto translator = std::make_unique<QTranslator>();
    // English is the source language: it needs no catalogue.
    if (language != QLatin1String("en") &&
        !translator->load(QStringLiteral(":/i18n/keykiosk_%1.qm").arg(language))) {
        qCWarning(lcKiosk) << "no translation for" << language;
        return false;
    }
    if (m_translator)
        QCoreApplication::removeTranslator(m_translator.get());
    m_translator = std::move(translator);
    QCoreApplication::installTranslator(m_translator.get());
    QLocale::setDefault(QLocale(language));
    m_language = language;
    if (m_engine)
        m_engine->retranslate();
    emit languageChanged();
    return true;
}

QString LanguageController::nativeName(const QString &language) const
{
    if (language == QLatin1String("ru"))
        return QStringLiteral("Русский");
    if (language == QLatin1String("kk"))
        return QStringLiteral("Қазақша");
    return QStringLiteral("English");
}

} // namespace kk
