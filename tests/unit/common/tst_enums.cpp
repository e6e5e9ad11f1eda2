// QML reaches the typed enums unscoped (KK.TokenReady), so a value name may appear in only
// one of them: a clash silently overwrites one meaning with another.
#include "keykiosk/enums.h"

#include <QMetaEnum>
#include <QSet>
#include <QtTest>

class TestEnums : public QObject
{
    Q_OBJECT
private slots:
    void valueNamesAreUniqueAcrossEnums()
    {
        const QMetaObject &meta = kk::staticMetaObject;
        QVERIFY(meta.enumeratorCount() >= 8);
        QHash<QByteArray, QByteArray> owner;
        for (int e = 0; e < meta.enumeratorCount(); ++e) {
            const QMetaEnum enumerator = meta.enumerator(e);
            for (int k = 0; k < enumerator.keyCount(); ++k) {
                const QByteArray key = enumerator.key(k);
                QVERIFY2(!owner.contains(key),
                         qPrintable(QStringLiteral("%1 is in both %2 and %3")
                                        .arg(QString::fromLatin1(key),
                                             QString::fromLatin1(owner.value(key)),
                                             QString::fromLatin1(enumerator.name()))));
                owner.insert(key, enumerator.name());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestEnums)
#include "tst_enums.moc"
