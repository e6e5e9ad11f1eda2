// Keys that sign on the token thread for whoever holds them (token/tokenthreadkey.h): the
// bank's thread signs, and the signature is made on the token thread, by the token.
#include "harness.h"

#include "keykiosk/token/tokenservice.h"
#include "keykiosk/token/tokenthreadkey.h"

#include <QSemaphore>
#include <QtTest>

#include <atomic>
#include <thread>

using namespace kk;
using namespace kk::test;

namespace {
const QByteArray kCurrentId = QByteArray::fromHex("01");

QByteArray signWith(EVP_PKEY *key, const QByteArray &data)
{
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    std::size_t length = 0;
    if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &length,
                       reinterpret_cast<const unsigned char *>(data.constData()),
                       std::size_t(data.size())) != 1)
        return {};
    QByteArray signature(int(length), '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()), &length,
                       reinterpret_cast<const unsigned char *>(data.constData()),
                       std::size_t(data.size())) != 1)
        return {};
    signature.resize(int(length));
    return signature;
}

bool verifyWith(const QByteArray &certDer, const QByteArray &data, const QByteArray &signature)
{
    const auto *p = reinterpret_cast<const unsigned char *>(certDer.constData());
    X509Ptr cert(d2i_X509(nullptr, &p, certDer.size()));
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    return cert &&
           EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr,
                                X509_get0_pubkey(cert.get())) == 1 &&
           EVP_DigestVerify(ctx.get(),
                            reinterpret_cast<const unsigned char *>(signature.constData()),
                            std::size_t(signature.size()),
                            reinterpret_cast<const unsigned char *>(data.constData()),
                            std::size_t(data.size())) == 1;
}
} // namespace

class TestTokenThreadKey : public QObject
{
    Q_OBJECT
private slots:
    void signsOnTheTokenThreadForAnotherThread_data()
    {
        QTest::addColumn<QString>("algorithm");
        QTest::newRow("EC P-256") << QStringLiteral("ec");
        QTest::newRow("RSA-2048") << QStringLiteral("rsa");
    }
    void signsOnTheTokenThreadForAnotherThread()
    {
        QFETCH(QString, algorithm);
        TokenOptions options;
        options.algorithm = algorithm;
        TestToken token(options);
        QVERIFY2(token.isValid(), qPrintable(token.error()));
        TokenService tokens(softhsmModule());
        EvpPkeyPtr tokenKey, proxy;
        std::unique_ptr<TokenSession> session; // logs the token in for as long as the key is used
        QVERIFY(tokens.call([&](TokenContext &context) {
            auto store = context.keyStore(); // libp11 first: it owns C_Initialize
            session = context.module()
                          .value()
                          ->openSession(context.module().value()->tokens()->first().slotId, false)
                          .takeValue();
            if (session->login(SecureBuffer::fromText("123456")).error)
                return;
            tokenKey = store.value()->privateKey(token.serial(), kCurrentId).takeValue();
            proxy = tokenThreadKey(tokenKey.get(), &tokens);
        }));
        QVERIFY(proxy);
        QCOMPARE(EVP_PKEY_get_base_id(proxy.get()), EVP_PKEY_get_base_id(tokenKey.get()));

        // The token thread is busy: a signature asked for on another thread waits for it.
        QSemaphore tokenBusy, signatureStarted;
        tokens.post([&](TokenContext &) { tokenBusy.acquire(); });
        std::atomic_bool signed_{false};
        QByteArray signature;
        const QByteArray data("certConf protection");
        std::thread bankThread([&] {
            signatureStarted.release();
            signature = signWith(proxy.get(), data);
            signed_ = true;
        });
        signatureStarted.acquire();
        QTest::qWait(300);
        QVERIFY(!signed_); // it is waiting for the token thread
        tokenBusy.release();
        bankThread.join();
        QVERIFY(signed_);
        QVERIFY(!signature.isEmpty());
        QVERIFY(verifyWith(token.certificateDer(), data, signature));

        proxy.reset();
        tokens.call([&](TokenContext &context) {
            tokenKey.reset(); // on its thread, before the slots it refers to
            context.keyStore().value()->releaseSlots();
            session.reset();
        });
    }
};

QTEST_GUILESS_MAIN(TestTokenThreadKey)
#include "tst_tokenthreadkey.moc"
