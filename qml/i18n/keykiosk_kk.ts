<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="kk_KZ">
<context>
    <name>AcceptanceActScreen</name>
    <message>
        <source>Acceptance act</source>
        <translation>Ашық кілтті тану актісі</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Артқа</translation>
    </message>
</context>
<context>
    <name>ActPanel</name>
    <message>
        <source>Print the act in two copies. Sign it, have the head of your organization sign and stamp it, and bring it to the bank.</source>
        <translation>Актіні екі данада басып шығарыңыз. Оған қол қойып, ұйым басшысына қол қойғызып, мөр басыңыз және банкке тапсырыңыз.</translation>
    </message>
    <message>
        <source>Print again</source>
        <translation>Қайта басып шығару</translation>
    </message>
    <message>
        <source>Print the act</source>
        <translation>Актіні басып шығару</translation>
    </message>
    <message>
        <source>Printing…</source>
        <translation>Басып шығарылуда…</translation>
    </message>
    <message>
        <source>The act has been printed. Take both copies from the printer.</source>
        <translation>Акт басып шығарылды. Екі дананы да принтерден алыңыз.</translation>
    </message>
</context>
<context>
    <name>CertificateReceivedScreen</name>
    <message>
        <source>Certificate received</source>
        <translation>Жаңа сертификат алынды</translation>
    </message>
    <message>
        <source>The bank registered your new key. The new certificate has been written to your token.</source>
        <translation>Банк жаңа кілтіңізді тіркеді. Жаңа сертификат токеніңізге жазылды.</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Жалғастыру</translation>
    </message>
</context>
<context>
    <name>ChecklistScreen</name>
    <message>
        <source>Recovery of an expired key</source>
        <translation>Мерзімі өткен кілтті қалпына келтіру</translation>
    </message>
    <message>
        <source>First key for a registered client</source>
        <translation>Банк клиентіне алғашқы кілт</translation>
    </message>
    <message>
        <source>Replacement of a lost or broken token</source>
        <translation>Жоғалған немесе сынған токенді ауыстыру</translation>
    </message>
    <message>
        <source>The client&apos;s certificate on the lost token is revoked when the new one is confirmed. The bank finds the client by the SNILS and INN.</source>
        <translation>Жаңа сертификат расталғанда жоғалған токендегі клиент сертификаты кері қайтарылады. Банк клиентті СНИЛС пен ИНН бойынша табады.</translation>
    </message>
    <message>
        <source>The bank finds the client in its register by the SNILS and INN.</source>
        <translation>Банк клиентті өз тізілімінен СНИЛС пен ИНН бойынша табады.</translation>
    </message>
    <message>
        <source>Client: %1, identifier %2</source>
        <translation>Клиент: %1, идентификатор %2</translation>
    </message>
    <message>
        <source>Identity document checked</source>
        <translation>Жеке басын куәландыратын құжат тексерілді</translation>
    </message>
    <message>
        <source>Signed and stamped application received</source>
        <translation>Басшы қол қойған, мөрі басылған өтініш алынды</translation>
    </message>
    <message>
        <source>Application number</source>
        <translation>Өтініш нөмірі</translation>
    </message>
    <message>
        <source>Application date (DD.MM.YYYY)</source>
        <translation>Өтініш күні (КК.АА.ЖЖЖЖ)</translation>
    </message>
    <message>
        <source>Client&apos;s SNILS</source>
        <translation>Клиенттің СНИЛС-і</translation>
    </message>
    <message>
        <source>Organization&apos;s INN</source>
        <translation>Ұйымның ИНН-і</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Бас тарту</translation>
    </message>
    <message>
        <source>Confirm: the client continues</source>
        <translation>Растау: әрі қарай клиент</translation>
    </message>
</context>
<context>
    <name>DoneScreen</name>
    <message>
        <source>You now work with your new set of keys</source>
        <translation>Сіз жаңа кілттер жиынтығымен жұмысқа ауыстырылдыңыз</translation>
    </message>
    <message>
        <source>Back to my token</source>
        <translation>Токенге оралу</translation>
    </message>
    <message>
        <source>Remove your token when the act is printed. Thank you!</source>
        <translation>Акт басылып шыққан соң токенді шығарып алыңыз. Рахмет!</translation>
    </message>
    <message>
        <source>Back to the signers</source>
        <translation>Қол қоюшылар тізіміне оралу</translation>
    </message>
</context>
<context>
    <name>EntropyPad</name>
    <message>
        <source>Draw here with your finger until the bar is full. This makes your new key unpredictable.</source>
        <translation>Жолақ толғанша осы жерде саусағыңызбен сызыңыз. Осылайша жаңа кілтіңіз болжап болмайтын болады.</translation>
    </message>
    <message>
        <source>Please keep drawing, with curves and changes of direction.</source>
        <translation>Сызуды жалғастырыңыз: қисық сызықтармен, бағытты өзгертіп.</translation>
    </message>
    <message>
        <source>Drawing area: draw here with your finger</source>
        <translation>Сызу алаңы: осында саусағыңызбен сызыңыз</translation>
    </message>
</context>
<context>
    <name>EntropyScreen</name>
    <message>
        <source>Draw on the screen</source>
        <translation>Экранда сызыңыз</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Болдырмау</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>The token software is not installed on this kiosk. Please ask the staff for help.</source>
        <translation>Бұл киоскіде токен бағдарламасы орнатылмаған. Банк қызметкеріне жүгініңіз.</translation>
    </message>
    <message>
        <source>The token software on this kiosk does not work. Please ask the staff for help.</source>
        <translation>Бұл киоскідегі токен бағдарламасы жұмыс істемейді. Банк қызметкеріне жүгініңіз.</translation>
    </message>
    <message>
        <source>No token found. Please insert your token.</source>
        <translation>Токен табылмады. Токеніңізді салыңыз.</translation>
    </message>
    <message>
        <source>Wrong PIN.</source>
        <translation>ПИН-код қате.</translation>
    </message>
    <message>
        <source>The PIN is locked after too many wrong attempts. Please see the staff.</source>
        <translation>Тым көп қате әрекеттен кейін ПИН-код бұғатталды. Банк қызметкеріне жүгініңіз.</translation>
    </message>
    <message>
        <source>The PIN has a wrong length or contains invalid characters.</source>
        <translation>ПИН-кодтың ұзындығы қате немесе рұқсат етілмеген таңбалар бар.</translation>
    </message>
    <message>
        <source>The PIN has expired and must be changed. Please see the staff.</source>
        <translation>ПИН-кодтың мерзімі өтті, оны ауыстыру керек. Банк қызметкеріне жүгініңіз.</translation>
    </message>
    <message>
        <source>Please enter the PIN first.</source>
        <translation>Алдымен ПИН-кодты енгізіңіз.</translation>
    </message>
    <message>
        <source>The key was not found on the token.</source>
        <translation>Кілт токеннен табылмады.</translation>
    </message>
    <message>
        <source>The token is write-protected.</source>
        <translation>Токен жазудан қорғалған.</translation>
    </message>
    <message>
        <source>The token reported an error. Please try again or see the staff.</source>
        <translation>Токен қате туралы хабарлады. Қайталап көріңіз немесе банк қызметкеріне жүгініңіз.</translation>
    </message>
    <message>
        <source>The token holds no certificate. An initial key generation is needed: please see the staff.</source>
        <translation>Токенде сертификат жоқ. Кілттердің бастапқы генерациясы қажет: банк қызметкеріне жүгініңіз.</translation>
    </message>
    <message>
        <source>A certificate on the token cannot be read. Please see the staff.</source>
        <translation>Токендегі сертификат оқылмайды. Банк қызметкеріне жүгініңіз.</translation>
    </message>
    <message>
        <source>The card reader service is not available. The kiosk will recover by itself.</source>
        <translation>Оқу құрылғысының қызметі қолжетімсіз. Киоск жұмысын өзі қалпына келтіреді.</translation>
    </message>
    <message>
        <source>This device is not a supported token. Please remove it and insert your token.</source>
        <translation>Бұл құрылғы қолдау көрсетілетін токен емес. Оны алып, токеніңізді салыңыз.</translation>
    </message>
    <message>
        <source>More than one token is inserted. Please leave only one.</source>
        <translation>Бірнеше токен салынған. Тек біреуін қалдырыңыз.</translation>
    </message>
    <message>
        <source>Something went wrong. Please see the staff.</source>
        <translation>Бірдеңе дұрыс болмады. Банк қызметкеріне жүгініңіз.</translation>
    </message>
    <message>
        <source>The bank refused the registration.</source>
        <translation>Банк тіркеуден бас тартты.</translation>
    </message>
    <message>
        <source>Your key has expired and cannot renew itself. Please see the staff: a new key set is made at the branch.</source>
        <translation>Кілттің мерзімі өтті, оны өз бетіңізше жаңарту мүмкін емес. Қызметкерге жүгініңіз: жаңа кілттер жиынтығы бөлімшеде жасалады.</translation>
    </message>
    <message>
        <source>Your certificate has been revoked. Please see the staff.</source>
        <translation>Сертификатыңыз кері қайтарылды. Банк қызметкеріне жүгініңіз.</translation>
    </message>
    <message>
        <source>This kiosk has no printer. Your act is saved: the staff can print it for you, or print it again at another kiosk.</source>
        <translation>Бұл киоскіде принтер жоқ. Актіңіз сақталды: банк қызметкері оны басып шығара алады немесе оны басқа киоскіде басып шығаруға болады.</translation>
    </message>
    <message>
        <source>The printer is out of paper. Please ask the staff to add paper, then print again.</source>
        <translation>Принтерде қағаз таусылды. Банк қызметкерінен қағаз салуды сұраңыз, содан кейін қайта басып шығарыңыз.</translation>
    </message>
    <message>
        <source>The printer is not ready. Please ask the staff, then print again.</source>
        <translation>Принтер дайын емес. Банк қызметкеріне жүгініп, қайта басып шығарыңыз.</translation>
    </message>
    <message>
        <source>Printing failed. Please try again or ask the staff.</source>
        <translation>Басып шығару сәтсіз аяқталды. Қайталап көріңіз немесе банк қызметкеріне жүгініңіз.</translation>
    </message>
    <message>
        <source>The bank cannot be reached right now. Please try again later.</source>
        <translation>Банкпен қазір байланыс жоқ. Кейінірек қайталап көріңіз.</translation>
    </message>
    <message>
        <source>This token holds no staff certificate of this bank.</source>
        <translation>Бұл токенде банк қызметкерінің сертификаты жоқ.</translation>
    </message>
    <message>
        <source>The staff certificate on this token is not valid now (expired, not yet valid or not issued by the bank).</source>
        <translation>Бұл токендегі қызметкер сертификаты қазір жарамсыз (мерзімі өткен, әлі күшіне енбеген немесе банк бермеген).</translation>
    </message>
    <message>
        <source>The staff token was removed: staff mode has ended. The client&apos;s keys were not changed.</source>
        <translation>Қызметкер токені шығарылды: қызметкер режимі аяқталды. Клиенттің кілттері өзгертілмеді.</translation>
    </message>
    <message>
        <source>Staff mode has ended. The client&apos;s keys were not changed.</source>
        <translation>Қызметкер режимі аяқталды. Клиенттің кілттері өзгертілмеді.</translation>
    </message>
    <message>
        <source>The token was removed before the step finished.</source>
        <translation>Қадам аяқталмай тұрып токен алынып тасталды.</translation>
    </message>
    <message>
        <source>The token could not generate a new key.</source>
        <translation>Токен жаңа кілт жасай алмады.</translation>
    </message>
    <message>
        <source>The token could not store the data.</source>
        <translation>Токен деректерді сақтай алмады.</translation>
    </message>
    <message>
        <source>A key on the token cannot be trusted for signing. Please see the staff.</source>
        <translation>Токендегі кілтке қол қоюды сеніп тапсыруға болмайды. Банк қызметкеріне хабарласыңыз.</translation>
    </message>
    <message>
        <source>The bank&apos;s answer could not be processed. Please see the staff.</source>
        <translation>Банктің жауабын өңдеу мүмкін болмады. Банк қызметкеріне хабарласыңыз.</translation>
    </message>
    <message>
        <source>The new certificate from the bank did not pass the checks and was not installed.</source>
        <translation>Банктен келген жаңа сертификат тексеруден өтпеді және орнатылмады.</translation>
    </message>
</context>
<context>
    <name>ExplainScreen</name>
    <message>
        <source>Renewing your keys: what will happen</source>
        <translation>Кілттерді қайта генерациялау: не болады</translation>
    </message>
    <message>
        <source>You enter your token&apos;s PIN on the keypad on this screen.</source>
        <translation>Сіз токеннің PIN-кодын осы экрандағы пернетақтада енгізесіз.</translation>
    </message>
    <message>
        <source>You draw on the screen with your finger. This makes your new keys unpredictable.</source>
        <translation>Сіз экранда саусағыңызбен сызасыз. Осылайша жаңа кілттеріңіз болжап білуге келмейтін болады.</translation>
    </message>
    <message>
        <source>A new key pair is generated on your token. Your current keys stay on it and keep working.</source>
        <translation>Токенде жаңа кілттер жұбы жасалады. Ағымдағы кілттер онда қалады және жұмыс істей береді.</translation>
    </message>
    <message>
        <source>The request, signed with your current key, is sent to the bank.</source>
        <translation>Ағымдағы кілтпен қол қойылған сұрау банкке жіберіледі.</translation>
    </message>
    <message>
        <source>When the bank registers it, the new certificate is written to your token. If the bank needs time, you may leave and come back later: your request is kept.</source>
        <translation>Банк сұрауды тіркегенде жаңа сертификат токеніңізге жазылады. Егер банкке уақыт қажет болса, кетіп, кейін қайта келуге болады: сұрауыңыз сақталады.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Болдырмау</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Бастау</translation>
    </message>
    <message>
        <source>Your new key pair is already on your token, from your last visit: it is used again. Your current keys keep working.</source>
        <translation>Жаңа кілттер жұбы өткен келуіңізден бері токеніңізде бар: ол қайта пайдаланылады. Ағымдағы кілттеріңіз жұмыс істей береді.</translation>
    </message>
</context>
<context>
    <name>IdleOverlay</name>
    <message>
        <source>Are you still there?</source>
        <translation>Сіз әлі осындасыз ба?</translation>
    </message>
    <message numerus="yes">
        <source>For your security the session ends in %n second(s).</source>
        <translation>
            <numerusform>Қауіпсіздік үшін сеанс %n секундтан кейін аяқталады.</numerusform>
            <numerusform>Қауіпсіздік үшін сеанс %n секундтан кейін аяқталады.</numerusform>
        </translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Жалғастыру</translation>
    </message>
    <message>
        <source>Continue the session</source>
        <translation>Сеансты жалғастыру</translation>
    </message>
</context>
<context>
    <name>InsertTokenScreen</name>
    <message>
        <source>Insert your token</source>
        <translation>Токеніңізді салыңыз</translation>
    </message>
    <message>
        <source>Here you can renew the signing keys of your remote banking system and pick up your new certificate. Insert the USB token with your keys into the reader.</source>
        <translation>Мұнда қашықтан банктік қызмет көрсету жүйесінің қолтаңба кілттерін жаңартып, жаңа сертификатты ала аласыз. Кілттеріңіз бар USB-токенді салыңыз.</translation>
    </message>
    <message>
        <source>Your session ended because nothing happened for a while. Remove your token, then insert it again to continue.</source>
        <translation>Ұзақ уақыт ештеңе болмағандықтан сеанс аяқталды. Жалғастыру үшін токенді шығарып, қайта салыңыз.</translation>
    </message>
    <message>
        <source>The token was removed before the renewal finished.</source>
        <translation>Кілттерді қайта жасау аяқталмай тұрып токен алынып тасталды.</translation>
    </message>
    <message>
        <source>Insert the token again to continue.</source>
        <translation>Жалғастыру үшін токенді қайта салыңыз.</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>KeyKiosk</source>
        <translation>KeyKiosk</translation>
    </message>
</context>
<context>
    <name>MessageScreen</name>
    <message>
        <source>Error code: %1</source>
        <translation>Қате коды: %1</translation>
    </message>
</context>
<context>
    <name>NumberPad</name>
    <message>
        <source>Erase</source>
        <translation>Өшіру</translation>
    </message>
</context>
<context>
    <name>OutOfServiceScreen</name>
    <message>
        <source>Temporarily out of service</source>
        <translation>Уақытша жұмыс істемейді</translation>
    </message>
    <message>
        <source>Error code: %1</source>
        <translation>Қате коды: %1</translation>
    </message>
</context>
<context>
    <name>PinPad</name>
    <message>
        <source>OK</source>
        <translation>ОК</translation>
    </message>
    <message>
        <source>Type your PIN</source>
        <translation>PIN-кодты теріңіз</translation>
    </message>
    <message>
        <source>Erase the last digit</source>
        <translation>Соңғы цифрды өшіру</translation>
    </message>
    <message>
        <source>Confirm the PIN</source>
        <translation>PIN-кодты растау</translation>
    </message>
</context>
<context>
    <name>PinScreen</name>
    <message>
        <source>Enter your PIN to pick up your certificate</source>
        <translation>Сертификатты алу үшін PIN-кодты енгізіңіз</translation>
    </message>
    <message>
        <source>Enter your token&apos;s PIN</source>
        <translation>Токеннің PIN-кодын енгізіңіз</translation>
    </message>
    <message>
        <source>Cover the keypad with your hand. The keys are in a new order each time.</source>
        <translation>Пернетақтаны қолыңызбен жабыңыз. Сандар әр жолы жаңа ретпен орналасады.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Болдырмау</translation>
    </message>
    <message>
        <source>Staff: enter the PIN of your staff token</source>
        <translation>Қызметкер: қызметтік токеніңіздің PIN-кодын енгізіңіз</translation>
    </message>
    <message>
        <source>Client: enter the PIN of your own token</source>
        <translation>Клиент: өз токеніңіздің PIN-кодын енгізіңіз</translation>
    </message>
    <message>
        <source>Staff, please look away. Cover the keypad with your hand: the keys are in a new order each time.</source>
        <translation>Қызметкерден басқа жаққа қарауын сұраймыз. Пернетақтаны қолыңызбен жабыңыз: пернелер әр жолы жаңа ретпен орналасады.</translation>
    </message>
</context>
<context>
    <name>ReadingTokenScreen</name>
    <message>
        <source>Reading your token…</source>
        <translation>Токеніңіз оқылуда…</translation>
    </message>
    <message>
        <source>Please do not remove it.</source>
        <translation>Оны алмаңыз.</translation>
    </message>
</context>
<context>
    <name>RefusedScreen</name>
    <message>
        <source>The bank refused the registration</source>
        <translation>Тіркеуден бас тартылды</translation>
    </message>
    <message>
        <source>Your current keys still work. You may start a new request.</source>
        <translation>Ағымдағы кілттеріңіз жұмыс істей береді. Жаңа сұрау жасауға болады.</translation>
    </message>
    <message>
        <source>The bank&apos;s reason:</source>
        <translation>Банк көрсеткен себеп:</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Артқа</translation>
    </message>
    <message>
        <source>New request</source>
        <translation>Жаңа сұрау</translation>
    </message>
</context>
<context>
    <name>RenewalErrorScreen</name>
    <message>
        <source>Please see the staff</source>
        <translation>Банк қызметкеріне жүгініңіз</translation>
    </message>
    <message>
        <source>The renewal did not complete</source>
        <translation>Қайта генерациялау аяқталмады</translation>
    </message>
    <message>
        <source>Error code: %1</source>
        <translation>Қате коды: %1</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Артқа</translation>
    </message>
</context>
<context>
    <name>Sitting</name>
    <message>
        <source>This token belongs to another organization (%1). It cannot join the sitting of %2: please take it out.</source>
        <translation>Бұл токен басқа ұйымға тиесілі (%1). Ол %2 сеансына қатыса алмайды: оны шығарыңыз.</translation>
    </message>
    <message>
        <source>waiting for their token</source>
        <translation>өз токенін күтуде</translation>
    </message>
    <message>
        <source>reading the token</source>
        <translation>токен оқылуда</translation>
    </message>
    <message>
        <source>ready to renew</source>
        <translation>қайта генерациялауға дайын</translation>
    </message>
    <message>
        <source>renewing</source>
        <translation>қайта генерациялау жүріп жатыр</translation>
    </message>
    <message>
        <source>accepted by the bank</source>
        <translation>банк қабылдады</translation>
    </message>
    <message>
        <source>certificate received</source>
        <translation>жаңа сертификат алынды</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>тіркеуден бас тартылды</translation>
    </message>
    <message>
        <source>needs the staff</source>
        <translation>банк қызметкері қажет</translation>
    </message>
    <message>
        <source>in operation: nothing to renew</source>
        <translation>пайдалануда: қайта генерациялау қажет емес</translation>
    </message>
</context>
<context>
    <name>SittingBoardScreen</name>
    <message>
        <source>Signers of %1</source>
        <translation>%1 қол қоюшылары</translation>
    </message>
    <message>
        <source>INN %1 · sitting %2</source>
        <translation>ИНН %1 · сеанс %2</translation>
    </message>
    <message>
        <source>The session timed out. Take the token out; the next signer inserts theirs.</source>
        <translation>Сеанс уақыты бітті. Токенді шығарыңыз; келесі қол қоюшы өзінікін салады.</translation>
    </message>
    <message>
        <source>Next signer: insert your own token.</source>
        <translation>Келесі қол қоюшы: өз токеніңізді салыңыз.</translation>
    </message>
    <message>
        <source>When you are done, take your token out: the next signer inserts theirs.</source>
        <translation>Аяқтағаннан кейін токеніңізді шығарыңыз: келесі қол қоюшы өзінікін салады.</translation>
    </message>
    <message>
        <source>Request %1</source>
        <translation>Сұрау %1</translation>
    </message>
    <message>
        <source>Pick up</source>
        <translation>Алу</translation>
    </message>
    <message>
        <source>Recover (staff)</source>
        <translation>Қалпына келтіру (қызметкер)</translation>
    </message>
    <message>
        <source>New request</source>
        <translation>Жаңа сұрау</translation>
    </message>
    <message>
        <source>Renew</source>
        <translation>Қайта генерациялау</translation>
    </message>
    <message>
        <source>Each signer&apos;s act is printed after their certificate. Finishing prints the sitting&apos;s summary; requests still with the bank are picked up later, at any kiosk.</source>
        <translation>Әр қол қоюшының актісі сертификаты алынғаннан кейін басылады. Аяқтағанда сеанс қорытындысы басылады; банктегі сұрауларды қол қоюшы кейін кез келген киоскіде алады.</translation>
    </message>
    <message>
        <source>Finish the sitting</source>
        <translation>Сеансты аяқтау</translation>
    </message>
</context>
<context>
    <name>Staff</name>
    <message>
        <source>Check the client&apos;s identity document.</source>
        <translation>Клиенттің жеке басын куәландыратын құжатын тексеріңіз.</translation>
    </message>
    <message>
        <source>Take the application signed by the head of the organization, with the stamp.</source>
        <translation>Ұйым басшысы қол қойған, мөрі басылған өтінішті қабылдаңыз.</translation>
    </message>
    <message>
        <source>Enter the application&apos;s number.</source>
        <translation>Өтініш нөмірін енгізіңіз.</translation>
    </message>
    <message numerus="yes">
        <source>Enter the application&apos;s date as day, month and year. It cannot be in the future or older than %n days.</source>
        <translation>
            <numerusform>Өтініш күнін күн, ай және жыл түрінде енгізіңіз. Ол болашақта немесе %n күннен ескі бола алмайды.</numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>The SNILS is 11 digits and its check number does not match: check it against the application.</source>
        <translation>СНИЛС — 11 цифр, бақылау саны сәйкес келмейді: өтінішпен салыстырыңыз.</translation>
    </message>
    <message>
        <source>The INN is 10 or 12 digits and its check digits do not match: check it against the application.</source>
        <translation>ИНН — 10 немесе 12 цифр, бақылау цифрлары сәйкес келмейді: өтінішпен салыстырыңыз.</translation>
    </message>
    <message>
        <source>The certificate names no client of the bank: use the replacement case.</source>
        <translation>Сертификатта банк клиенті көрсетілмеген: токенді ауыстыруды таңдаңыз.</translation>
    </message>
</context>
<context>
    <name>StaffBanner</name>
    <message numerus="yes">
        <source>Staff mode ends in %n s</source>
        <translation>
            <numerusform>Қызметкер режимі %n с кейін аяқталады</numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>End staff mode</source>
        <translation>Қызметкер режимін аяқтау</translation>
    </message>
    <message>
        <source>Staff mode</source>
        <translation>Қызметкер режимі</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
</context>
<context>
    <name>StaffHomeScreen</name>
    <message>
        <source>Staff mode</source>
        <translation>Қызметкер режимі</translation>
    </message>
    <message>
        <source>Staff token</source>
        <translation>Қызметкер токені</translation>
    </message>
    <message>
        <source>Insert the client&apos;s token in the second place. The staff token stays in: removing it ends staff mode.</source>
        <translation>Клиенттің токенін екінші ұяға салыңыз. Қызметкер токені орнында қалады: оны шығарсаңыз, қызметкер режимі аяқталады.</translation>
    </message>
    <message>
        <source>A staff token is in the kiosk. Log in with its PIN to start staff mode.</source>
        <translation>Киоскіде қызметкер токені тұр. Қызметкер режимін бастау үшін оның PIN-кодымен кіріңіз.</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Кіру</translation>
    </message>
</context>
<context>
    <name>Statuses</name>
    <message>
        <source>initial generation needed</source>
        <translation>бастапқы генерация қажет</translation>
    </message>
    <message>
        <source>in operation</source>
        <translation>пайдалануда</translation>
    </message>
    <message>
        <source>primary regeneration needed</source>
        <translation>алғашқы қайта генерация қажет</translation>
    </message>
    <message>
        <source>planned regeneration needed</source>
        <translation>жоспарлы қайта генерация қажет</translation>
    </message>
    <message>
        <source>accepted by the bank</source>
        <translation>банк қабылдады</translation>
    </message>
    <message>
        <source>new certificate received</source>
        <translation>жаңа сертификат алынды</translation>
    </message>
    <message>
        <source>registration refused</source>
        <translation>тіркеуден бас тартылды</translation>
    </message>
    <message>
        <source>expired: see the staff</source>
        <translation>мерзімі өтті: банк қызметкеріне жүгініңіз</translation>
    </message>
    <message>
        <source>not yet valid: see the staff</source>
        <translation>әлі жарамды емес: банк қызметкеріне жүгініңіз</translation>
    </message>
    <message>
        <source>working</source>
        <translation>жұмыс</translation>
    </message>
    <message>
        <source>certificate unreadable: see the staff</source>
        <translation>сертификат оқылмайды: банк қызметкеріне жүгініңіз</translation>
    </message>
</context>
<context>
    <name>TokenScreen</name>
    <message>
        <source>Your token</source>
        <translation>Сіздің токеніңіз</translation>
    </message>
    <message>
        <source>%1, serial number %2</source>
        <translation>%1, сериялық нөмірі %2</translation>
    </message>
    <message>
        <source>A key set on this token needs your attention. See its status below.</source>
        <translation>Бұл токендегі кілттер жиынтығы назарыңызды қажет етеді. Төмендегі мәртебені қараңыз.</translation>
    </message>
    <message>
        <source>Select a subscriber</source>
        <translation>Абонентті таңдаңыз</translation>
    </message>
    <message>
        <source>Subscriber</source>
        <translation>Абонент</translation>
    </message>
    <message>
        <source>Identifier</source>
        <translation>Сәйкестендіргіш</translation>
    </message>
    <message>
        <source>Cryptography</source>
        <translation>Криптография</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Мәртебе</translation>
    </message>
    <message>
        <source>Signature parameters</source>
        <translation>Қолтаңба параметрлері</translation>
    </message>
    <message>
        <source>Profile name</source>
        <translation>Профиль атауы</translation>
    </message>
    <message>
        <source>Key type</source>
        <translation>Кілт түрі</translation>
    </message>
    <message>
        <source>Start of the validity period</source>
        <translation>Пайдалану мерзімінің басталу күні</translation>
    </message>
    <message>
        <source>End of the validity period</source>
        <translation>Пайдалану мерзімінің аяқталу күні</translation>
    </message>
    <message>
        <source>You can renew the keys of this profile now.</source>
        <translation>Бұл профильдің кілттерін қазір қайта генерациялауға болады.</translation>
    </message>
    <message>
        <source>Your request is with the bank. Enter your PIN to pick up the certificate.</source>
        <translation>Сұрауыңызды банк қабылдады. Сертификатты алу үшін PIN-кодты енгізіңіз.</translation>
    </message>
    <message>
        <source>The bank refused the last request. You can make a new one.</source>
        <translation>Банк соңғы сұраудан бас тартты. Жаңасын жасауға болады.</translation>
    </message>
    <message>
        <source>These keys cannot be renewed at the kiosk. Please see the staff.</source>
        <translation>Бұл кілттерді киоскіде қайта генерациялау мүмкін емес. Банк қызметкеріне жүгініңіз.</translation>
    </message>
    <message>
        <source>Nothing to do for this profile.</source>
        <translation>Бұл профиль үшін әрекет қажет емес.</translation>
    </message>
    <message>
        <source>Pick up the certificate</source>
        <translation>Сертификатты алу</translation>
    </message>
    <message>
        <source>Renew the keys</source>
        <translation>Кілттерді қайта генерациялау</translation>
    </message>
    <message>
        <source>Print the act again</source>
        <translation>Актіні қайта басып шығару</translation>
    </message>
    <message>
        <source>Your new certificate is on the token. Enter your PIN to finish: the bank is told and your keys switch.</source>
        <translation>Жаңа сертификат токенде тұр. Аяқтау үшін PIN-кодты енгізіңіз: банк растау алады және сіз жаңа кілттерге ауысасыз.</translation>
    </message>
    <message>
        <source>Print the act</source>
        <translation>Актіні басып шығару</translation>
    </message>
    <message>
        <source>The PIN of this token is locked: nothing on it can be used. Give the client a new token and run the replacement case on it.</source>
        <translation>Бұл токеннің PIN-коды бұғатталған: ондағы ештеңені пайдалану мүмкін емес. Клиентке жаңа токен беріп, онда токенді ауыстыруды орындаңыз.</translation>
    </message>
    <message>
        <source>Staff: choose the recovery case.</source>
        <translation>Қызметкер: қалпына келтіру түрін таңдаңыз.</translation>
    </message>
    <message>
        <source>Nothing staff can recover here.</source>
        <translation>Мұнда қалпына келтіретін ештеңе жоқ.</translation>
    </message>
    <message>
        <source>Recover the expired key</source>
        <translation>Мерзімі өткен кілтті қалпына келтіру</translation>
    </message>
    <message>
        <source>First key</source>
        <translation>Алғашқы кілт</translation>
    </message>
    <message>
        <source>Replacement token</source>
        <translation>Токенді ауыстыру</translation>
    </message>
    <message>
        <source>Several signers</source>
        <translation>Бірнеше қол қоюшы</translation>
    </message>
    <message>
        <source>Several signers of this organization renew now</source>
        <translation>Осы ұйымның бірнеше қол қоюшысы кілттерді қазір қайта генерациялайды</translation>
    </message>
    <message>
        <source>The bank&apos;s reason</source>
        <translation>Банктің бас тарту себебі</translation>
    </message>
    <message>
        <source>New request</source>
        <translation>Жаңа сұрау</translation>
    </message>
</context>
<context>
    <name>TopBar</name>
    <message>
        <source>Key renewal kiosk</source>
        <translation>Кілттерді жаңарту киоскісі</translation>
    </message>
    <message>
        <source>High contrast</source>
        <translation>Жоғары контраст</translation>
    </message>
</context>
<context>
    <name>WithBankScreen</name>
    <message>
        <source>Accepted by the bank</source>
        <translation>Банк қабылдады</translation>
    </message>
    <message>
        <source>The bank is registering your new key. This screen updates by itself when the certificate is ready.</source>
        <translation>Банк жаңа кілтіңізді тіркеп жатыр. Сертификат дайын болғанда экран өзі жаңарады.</translation>
    </message>
    <message>
        <source>Request number</source>
        <translation>Сұрау нөмірі</translation>
    </message>
    <message>
        <source>Subscriber</source>
        <translation>Абонент</translation>
    </message>
    <message>
        <source>Identifier</source>
        <translation>Сәйкестендіргіш</translation>
    </message>
    <message>
        <source>You may leave now. Next time, insert your token at any kiosk and choose &quot;Pick up the certificate&quot;. Your current keys keep working until then.</source>
        <translation>Енді кетуге болады. Келесі жолы токенді кез келген киоскіге салып, «Сертификатты алу» түймесін таңдаңыз. Оған дейін ағымдағы кілттер жұмыс істей береді.</translation>
    </message>
    <message>
        <source>I will come back later</source>
        <translation>Кейін қайта келемін</translation>
    </message>
    <message>
        <source>Printing…</source>
        <translation>Басып шығарылуда…</translation>
    </message>
    <message>
        <source>Take your slip from the printer.</source>
        <translation>Түбіртекті принтерден алыңыз.</translation>
    </message>
    <message>
        <source>Print the slip</source>
        <translation>Түбіртекті басып шығару</translation>
    </message>
    <message>
        <source>The bank cannot be reached right now. The kiosk keeps trying and goes on by itself when the bank answers. You may also take your token and come back later, at any kiosk: your request is kept.</source>
        <translation>Банкпен қазір байланыс жоқ. Киоск әрекетін жалғастырады және банк жауап бергенде өзі жалғастырады. Сондай-ақ токенді алып, кейінірек кез келген киоскке келуіңізге болады: сұрауыңыз сақталады.</translation>
    </message>
</context>
<context>
    <name>WorkingScreen</name>
    <message>
        <source>Checking the PIN…</source>
        <translation>PIN-код тексерілуде…</translation>
    </message>
    <message>
        <source>Generating your new key on the token…</source>
        <translation>Токенде жаңа кілт жасалуда…</translation>
    </message>
    <message>
        <source>Signing the request and sending it to the bank…</source>
        <translation>Сұрауға қол қойылып, банкке жіберілуде…</translation>
    </message>
    <message>
        <source>Please do not remove your token.</source>
        <translation>Токенді шығармаңыз.</translation>
    </message>
    <message numerus="yes">
        <source>%n second(s)</source>
        <translation>
            <numerusform>%n секунд</numerusform>
            <numerusform>%n секунд</numerusform>
        </translation>
    </message>
    <message>
        <source>Asking the bank for your certificate…</source>
        <translation>Банктен сертификатыңызды сұрап жатырмыз…</translation>
    </message>
    <message>
        <source>Switching your token to the new keys…</source>
        <translation>Токенді жаңа кілттерге ауыстырып жатырмыз…</translation>
    </message>
    <message>
        <source>Checking the PIN and the staff certificate…</source>
        <translation>PIN-код пен қызметкер сертификатын тексерудеміз…</translation>
    </message>
</context>
<context>
    <name>kk::JourneyController</name>
    <message>
        <source>Nothing was changed on your token: your current key still works.</source>
        <translation>Токенде ештеңе өзгерген жоқ: ағымдағы кілтіңіз жұмыс істей береді.</translation>
    </message>
    <message>
        <source>Your current key still works. Next time the kiosk reads the token and continues from what is on it.</source>
        <translation>Ағымдағы кілтіңіз жұмыс істей береді. Келесі жолы киоск токенді оқып, ондағыдан бастап жалғастырады.</translation>
    </message>
    <message>
        <source>Your current key still works. The new key stays on your token, but the bank has not received the request yet: next time the kiosk sends it, with no drawing.</source>
        <translation>Ағымдағы кілтіңіз жұмыс істей береді. Жаңа кілт токенде қалады, бірақ банк сұрауды әлі алған жоқ: келесі жолы киоск оны жібереді, сурет салудың қажеті жоқ.</translation>
    </message>
    <message>
        <source>Your current key still works. The bank has received your request.</source>
        <translation>Ағымдағы кілтіңіз жұмыс істей береді. Банк сұрауыңызды алды.</translation>
    </message>
    <message>
        <source>Your current key still works. The bank has received your request %1.</source>
        <translation>Ағымдағы кілтіңіз жұмыс істей береді. Банк %1 сұрауыңызды алды.</translation>
    </message>
    <message>
        <source>Your current key still works. The bank keeps your request: next time, at any kiosk, you continue where you left off.</source>
        <translation>Ағымдағы кілтіңіз жұмыс істей береді. Банк сұрауыңызды сақтайды: келесі жолы кез келген киоскте тоқтаған жерден жалғастырасыз.</translation>
    </message>
    <message>
        <source>Your current key still works. The bank keeps your request %1: next time, at any kiosk, you continue where you left off.</source>
        <translation>Ағымдағы кілтіңіз жұмыс істей береді. Банк %1 сұрауыңызды сақтайды: келесі жолы кез келген киоскте тоқтаған жерден жалғастырасыз.</translation>
    </message>
    <message>
        <source>Your current key still works. Your new certificate is on the token: next time the kiosk tells the bank and switches your keys.</source>
        <translation>Ағымдағы кілтіңіз жұмыс істей береді. Жаңа сертификат токенде: келесі жолы киоск банкке хабарлап, сізді жаңа кілттерге ауыстырады.</translation>
    </message>
    <message>
        <source>The bank has confirmed your new certificate. Next time the kiosk finishes switching your token to the new keys.</source>
        <translation>Банк жаңа сертификатыңызды растады. Келесі жолы киоск токенді жаңа кілттерге ауыстыруды аяқтайды.</translation>
    </message>
    <message>
        <source>Your new keys are in operation.</source>
        <translation>Жаңа кілттеріңіз пайдалануға енгізілді.</translation>
    </message>
</context>
<context>
    <name>kk::PinPadController</name>
    <message>
        <source>A wrong PIN was entered before. The token allows only a few more tries.</source>
        <translation>Бұған дейін қате ПИН-код енгізілген. Токен тек бірнеше әрекетке рұқсат береді.</translation>
    </message>
    <message>
        <source>Last try: one more wrong PIN locks the token.</source>
        <translation>Соңғы әрекет: тағы бір қате ПИН-код токенді бұғаттайды.</translation>
    </message>
    <message>
        <source>The PIN is locked. Please see the staff.</source>
        <translation>ПИН-код бұғатталған. Банк қызметкеріне жүгініңіз.</translation>
    </message>
    <message>
        <source>The PIN must be changed first. Please see the staff.</source>
        <translation>Алдымен ПИН-кодты ауыстыру керек. Банк қызметкеріне жүгініңіз.</translation>
    </message>
</context>
</TS>
