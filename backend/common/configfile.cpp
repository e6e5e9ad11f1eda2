#include "keykiosk/configfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>
#include <cstdio>

namespace kk {

ConfigFile ConfigFile::read(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        ConfigFile config;
        config.m_origin = path;
        config.m_problems << QStringLiteral("%1: cannot be read: %2").arg(path, file.errorString());
        return config;
    }
    return fromText(file.readAll(), path, QFileInfo(path).absolutePath());
}

ConfigFile ConfigFile::fromText(const QByteArray &utf8, const QString &origin,
                                const QString &directory)
{
    ConfigFile config;
    config.m_origin = origin;
    config.m_directory = directory;
    config.parse(utf8);
    return config;
}

void ConfigFile::parse(const QByteArray &utf8)
{
    QString section;
    int lineNumber = 0;
    for (QByteArray raw : utf8.split('\n')) {
        ++lineNumber;
        if (raw.endsWith('\r'))
            raw.chop(1);
        const QString line = QString::fromUtf8(raw).trimmed();
        auto here = [&] { return QStringLiteral("%1:%2").arg(m_origin).arg(lineNumber); };
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')) ||
            line.startsWith(QLatin1Char(';')))
            continue;
        if (line.startsWith(QLatin1Char('['))) {
            if (!line.endsWith(QLatin1Char(']')) || line.size() < 3) {
                m_problems << QStringLiteral("%1: '%2' is not a [section] line").arg(here(), line);
                continue;
            }
            section = line.mid(1, line.size() - 2).trimmed();
            continue;
        }
        const int equals = line.indexOf(QLatin1Char('='));
        if (equals <= 0) {
            m_problems << QStringLiteral("%1: '%2' is not a 'key = value' line").arg(here(), line);
            continue;
        }
        if (section.isEmpty()) {
            m_problems << QStringLiteral("%1: '%2' comes before any [section]").arg(here(), line);
            continue;
        }
        const QString name = line.left(equals).trimmed();
        QString value = line.mid(equals + 1).trimmed();
        if (value.size() >= 2 && value.startsWith(QLatin1Char('"')) &&
            value.endsWith(QLatin1Char('"')))
            value = value.mid(1, value.size() - 2); // "quoted", as QSettings wrote it
        const QString key = section + QLatin1Char('/') + name;
        if (const auto it = m_entries.constFind(key); it != m_entries.constEnd()) {
            m_problems << QStringLiteral("%1: [%2] %3 is given twice (first on line %4)")
                              .arg(here(), section, name)
                              .arg(it->line);
            continue;
        }
        m_entries.insert(key, Entry{value, lineNumber});
    }
}

const ConfigFile::Entry *ConfigFile::entry(const QString &key)
{
    m_known.insert(key);
    const auto it = m_entries.constFind(key);
    return it == m_entries.constEnd() ? nullptr : &it.value();
}

void ConfigFile::invalid(const QString &key, const Entry &e, const QString &expected)
{
    const int slash = key.indexOf(QLatin1Char('/'));
    m_problems << QStringLiteral("%1:%2: [%3] %4 = '%5': %6")
                      .arg(m_origin)
                      .arg(e.line)
                      .arg(key.left(slash), key.mid(slash + 1), e.value, expected);
}

bool ConfigFile::has(const QString &key) const
{
    return m_entries.contains(key);
}

QString ConfigFile::text(const QString &key, const QString &fallback)
{
    const Entry *e = entry(key);
    return e ? e->value : fallback;
}

QString ConfigFile::path(const QString &key, const QString &fallback)
{
    const Entry *e = entry(key);
    if (!e)
        return fallback;
    if (e->value.isEmpty())
        return {}; // said to be none (the caller decides whether it may be)
    return QDir(m_directory).absoluteFilePath(e->value);
}

bool ConfigFile::flag(const QString &key, bool fallback)
{
    const Entry *e = entry(key);
    if (!e)
        return fallback;
    const QString v = e->value.toLower();
    if (v == QLatin1String("true") || v == QLatin1String("yes") || v == QLatin1String("on") ||
        v == QLatin1String("1"))
        return true;
    if (v == QLatin1String("false") || v == QLatin1String("no") || v == QLatin1String("off") ||
        v == QLatin1String("0"))
        return false;
    invalid(key, *e, QStringLiteral("true or false is expected"));
    return fallback;
}

int ConfigFile::number(const QString &key, int fallback, int minimum, int maximum)
{
    const Entry *e = entry(key);
    if (!e)
        return fallback;
    bool ok = false;
    const qlonglong value = e->value.toLongLong(&ok);
    if (!ok || value < minimum || value > maximum) {
        invalid(
            key, *e,
            QStringLiteral("a whole number from %1 to %2 is expected").arg(minimum).arg(maximum));
        return fallback;
    }
    return int(value);
}

QString ConfigFile::choice(const QString &key, const QString &fallback, const QStringList &choices)
{
    const Entry *e = entry(key);
    if (!e)
        return fallback;
    if (!choices.contains(e->value)) {
        invalid(key, *e,
                QStringLiteral("one of %1 is expected").arg(choices.join(QLatin1String(", "))));
        return fallback;
    }
    return e->value;
}

QString ConfigFile::oid(const QString &key, const QString &fallback)
{
    const Entry *e = entry(key);
    if (!e)
        return fallback;
    static const QRegularExpression dotted(QStringLiteral("^[0-2](\\.(0|[1-9][0-9]*))+$"));
    if (!dotted.match(e->value).hasMatch()) {
        invalid(key, *e, QStringLiteral("an OID such as 1.2.643.3.61.1 is expected"));
        return fallback;
    }
    return e->value;
}

QStringList ConfigFile::list(const QString &key)
{
    const Entry *e = entry(key);
    QStringList names;
    if (!e)
        return names;
    for (const QString &name : e->value.split(QLatin1Char(',')))
        if (!name.trimmed().isEmpty())
            names << name.trimmed();
    return names;
}

int ConfigFile::octal(const QString &key, int fallback, int maximum)
{
    const Entry *e = entry(key);
    if (!e)
        return fallback;
    bool ok = false;
    const int value = e->value.toInt(&ok, 8);
    if (!ok || value < 0 || value > maximum || !e->value.startsWith(QLatin1Char('0'))) {
        invalid(key, *e, QStringLiteral("an octal mode such as 0660 is expected"));
        return fallback;
    }
    return value;
}

void ConfigFile::problem(const QString &key, const QString &message)
{
    const auto it = m_entries.constFind(key);
    const int slash = key.indexOf(QLatin1Char('/'));
    const QString where =
        it == m_entries.constEnd() ? m_origin : QStringLiteral("%1:%2").arg(m_origin).arg(it->line);
    m_problems << QStringLiteral("%1: [%2] %3: %4")
                      .arg(where, key.left(slash), key.mid(slash + 1), message);
}

QStringList ConfigFile::problems()
{
    if (!m_finished) {
        m_finished = true;
        QVector<QPair<int, QString>> unknown;
        for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
            if (m_known.contains(it.key()))
                continue;
            const int slash = it.key().indexOf(QLatin1Char('/'));
            unknown.append({it->line, QStringLiteral("%1:%2: [%3] %4 is not a known key")
                                          .arg(m_origin)
                                          .arg(it->line)
                                          .arg(it.key().left(slash), it.key().mid(slash + 1))});
        }
        std::sort(unknown.begin(), unknown.end());
        for (const auto &[line, text] : unknown)
            m_problems << text;
    }
    return m_problems;
}

int ConfigFile::printReport(const QString &path, const QStringList &problems)
{
    for (const QString &problem : problems)
        std::printf("%s\n", qPrintable(problem));
    std::printf("%s: %s\n", qPrintable(path),
                problems.isEmpty()
                    ? "configuration OK"
                    : qPrintable(QStringLiteral("%1 problem(s)").arg(problems.size())));
    return problems.isEmpty() ? 0 : 1;
}

} // namespace kk
