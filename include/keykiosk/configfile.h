#pragma once
// A locked configuration file (the kiosk's keykiosk.conf, the RA's ra.conf): INI sections of
// `key = value` lines, read with typed getters that know every key. Whatever the file says
// wrong is a problem with its line number, never a silent default: a value of the wrong type
// or out of range, a key no getter asked for (a typo), a key given twice, a line that is not
// `key = value`. Values are taken as written, up to the end of the line: a bank's name with
// a comma stays one name (QSettings would have made it a list). See docs/architecture.md,
// "Configuration".

#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>

namespace kk {

class ConfigFile
{
public:
    // Reads a file; a file that cannot be read is the first problem.
    static ConfigFile read(const QString &path);
    // The same from text (tests); relative paths are relative to `directory`.
    static ConfigFile fromText(const QByteArray &utf8, const QString &origin,
                               const QString &directory);

    // Every getter takes "section/key" and marks the key as known. An absent key gives the
    // fallback; a present but invalid one is a problem and gives the fallback too (so that a
    // check can report every problem in one go; a caller starts only with none).
    bool has(const QString &key) const;
    QString text(const QString &key, const QString &fallback = {});
    // Relative to the file's directory; an empty value is "none" (no fallback).
    QString path(const QString &key, const QString &fallback = {});
    bool flag(const QString &key, bool fallback);
    int number(const QString &key, int fallback, int minimum, int maximum);
    QString choice(const QString &key, const QString &fallback, const QStringList &choices);
    QString oid(const QString &key, const QString &fallback);
    QStringList list(const QString &key); // comma-separated names, trimmed
    int octal(const QString &key, int fallback, int maximum);

    // A problem the caller finds across keys, reported at `key`'s line (or the file's).
    void problem(const QString &key, const QString &message);

    // Ends the reading: keys no getter asked for become problems. Call after every getter.
    QStringList problems();
    QString origin() const { return m_origin; }

    // What `keykiosk --check-config` and `keykiosk-ra check-config` print: each problem, then
    // "PATH: configuration OK" or "PATH: N problem(s)". The exit code: 0 for none, else 1.
    static int printReport(const QString &path, const QStringList &problems);

private:
    struct Entry
    {
        QString value;
        int line = 0;
    };
    void parse(const QByteArray &utf8);
    const Entry *entry(const QString &key);
    void invalid(const QString &key, const Entry &e, const QString &expected);

    QString m_origin;
    QString m_directory;
    QHash<QString, Entry> m_entries;
    QSet<QString> m_known;
    QStringList m_problems;
    bool m_finished = false;
};

} // namespace kk
