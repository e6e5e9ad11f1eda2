<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>AcceptanceActScreen</name>
    <message>
        <source>Acceptance act</source>
        <translation>Акт признания открытого ключа</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Назад</translation>
    </message>
</context>
<context>
    <name>ActPanel</name>
    <message>
        <source>Print the act in two copies. Sign it, have the head of your organization sign and stamp it, and bring it to the bank.</source>
        <translation>Распечатайте акт в двух экземплярах. Подпишите его, подпишите у руководителя организации, поставьте печать и передайте в банк.</translation>
    </message>
    <message>
        <source>Print again</source>
        <translation>Распечатать ещё раз</translation>
    </message>
    <message>
        <source>Print the act</source>
        <translation>Распечатать акт</translation>
    </message>
    <message>
        <source>Printing…</source>
        <translation>Печатаем…</translation>
    </message>
    <message>
        <source>The act has been printed. Take both copies from the printer.</source>
        <translation>Акт распечатан. Заберите оба экземпляра из принтера.</translation>
    </message>
</context>
<context>
    <name>CertificateReceivedScreen</name>
    <message>
        <source>Certificate received</source>
        <translation>Получен новый сертификат</translation>
    </message>
    <message>
        <source>The bank registered your new key. The new certificate has been written to your token.</source>
        <translation>Банк зарегистрировал ваш новый ключ. Новый сертификат записан на ваш токен.</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Продолжить</translation>
    </message>
</context>
<context>
    <name>ChecklistScreen</name>
    <message>
        <source>Recovery of an expired key</source>
        <translation>Восстановление ключа с истёкшим сроком</translation>
    </message>
    <message>
        <source>First key for a registered client</source>
        <translation>Начальная генерация для клиента банка</translation>
    </message>
    <message>
        <source>Replacement of a lost or broken token</source>
        <translation>Замена утерянного или сломанного токена</translation>
    </message>
    <message>
        <source>The client&apos;s certificate on the lost token is revoked when the new one is confirmed. The bank finds the client by the SNILS and INN.</source>
        <translation>Сертификат клиента на утерянном токене будет отозван, когда новый будет подтверждён. Банк найдёт клиента по СНИЛС и ИНН.</translation>
    </message>
    <message>
        <source>The bank finds the client in its register by the SNILS and INN.</source>
        <translation>Банк найдёт клиента в своём реестре по СНИЛС и ИНН.</translation>
    </message>
    <message>
        <source>Client: %1, identifier %2</source>
        <translation>Клиент: %1, идентификатор %2</translation>
    </message>
    <message>
        <source>Identity document checked</source>
        <translation>Документ, удостоверяющий личность, проверен</translation>
    </message>
    <message>
        <source>Signed and stamped application received</source>
        <translation>Получено заявление с подписью руководителя и печатью</translation>
    </message>
    <message>
        <source>Application number</source>
        <translation>Номер заявления</translation>
    </message>
    <message>
        <source>Application date (DD.MM.YYYY)</source>
        <translation>Дата заявления (ДД.ММ.ГГГГ)</translation>
    </message>
    <message>
        <source>Client&apos;s SNILS</source>
        <translation>СНИЛС клиента</translation>
    </message>
    <message>
        <source>Organization&apos;s INN</source>
        <translation>ИНН организации</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>Confirm: the client continues</source>
        <translation>Подтвердить: дальше клиент</translation>
    </message>
</context>
<context>
    <name>DoneScreen</name>
    <message>
        <source>You now work with your new set of keys</source>
        <translation>Вы переведены на работу с новым комплектом ключей</translation>
    </message>
    <message>
        <source>Back to my token</source>
        <translation>Вернуться к токену</translation>
    </message>
    <message>
        <source>Remove your token when the act is printed. Thank you!</source>
        <translation>Когда акт будет распечатан, извлеките токен. Спасибо!</translation>
    </message>
    <message>
        <source>Back to the signers</source>
        <translation>Вернуться к списку подписантов</translation>
    </message>
</context>
<context>
    <name>EntropyPad</name>
    <message>
        <source>Draw here with your finger until the bar is full. This makes your new key unpredictable.</source>
        <translation>Рисуйте здесь пальцем, пока полоса не заполнится. Так ваш новый ключ станет непредсказуемым.</translation>
    </message>
    <message>
        <source>Please keep drawing, with curves and changes of direction.</source>
        <translation>Продолжайте рисовать: плавными линиями и меняя направление.</translation>
    </message>
    <message>
        <source>Drawing area: draw here with your finger</source>
        <translation>Поле для рисования: рисуйте здесь пальцем</translation>
    </message>
</context>
<context>
    <name>EntropyScreen</name>
    <message>
        <source>Draw on the screen</source>
        <translation>Рисуйте на экране</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>The token software is not installed on this kiosk. Please ask the staff for help.</source>
        <translation>На этом киоске не установлено программное обеспечение токена. Обратитесь к сотруднику банка.</translation>
    </message>
    <message>
        <source>The token software on this kiosk does not work. Please ask the staff for help.</source>
        <translation>Программное обеспечение токена на этом киоске не работает. Обратитесь к сотруднику банка.</translation>
    </message>
    <message>
        <source>No token found. Please insert your token.</source>
        <translation>Токен не найден. Вставьте ваш токен.</translation>
    </message>
    <message>
        <source>Wrong PIN.</source>
        <translation>Неверный ПИН-код.</translation>
    </message>
    <message>
        <source>The PIN is locked after too many wrong attempts. Please see the staff.</source>
        <translation>ПИН-код заблокирован после слишком многих неверных попыток. Обратитесь к сотруднику банка.</translation>
    </message>
    <message>
        <source>The PIN has a wrong length or contains invalid characters.</source>
        <translation>ПИН-код неверной длины или содержит недопустимые символы.</translation>
    </message>
    <message>
        <source>The PIN has expired and must be changed. Please see the staff.</source>
        <translation>Срок действия ПИН-кода истёк, его нужно сменить. Обратитесь к сотруднику банка.</translation>
    </message>
    <message>
        <source>Please enter the PIN first.</source>
        <translation>Сначала введите ПИН-код.</translation>
    </message>
    <message>
        <source>The key was not found on the token.</source>
        <translation>Ключ не найден на токене.</translation>
    </message>
    <message>
        <source>The token is write-protected.</source>
        <translation>Токен защищён от записи.</translation>
    </message>
    <message>
        <source>The token reported an error. Please try again or see the staff.</source>
        <translation>Токен сообщил об ошибке. Попробуйте ещё раз или обратитесь к сотруднику банка.</translation>
    </message>
    <message>
        <source>The token holds no certificate. An initial key generation is needed: please see the staff.</source>
        <translation>На токене нет сертификата. Необходима начальная генерация ключей: обратитесь к сотруднику банка.</translation>
    </message>
    <message>
        <source>A certificate on the token cannot be read. Please see the staff.</source>
        <translation>Сертификат на токене не читается. Обратитесь к сотруднику банка.</translation>
    </message>
    <message>
        <source>The card reader service is not available. The kiosk will recover by itself.</source>
        <translation>Служба считывателя недоступна. Киоск восстановит работу самостоятельно.</translation>
    </message>
    <message>
        <source>This device is not a supported token. Please remove it and insert your token.</source>
        <translation>Это устройство не является поддерживаемым токеном. Извлеките его и вставьте ваш токен.</translation>
    </message>
    <message>
        <source>More than one token is inserted. Please leave only one.</source>
        <translation>Вставлено больше одного токена. Оставьте только один.</translation>
    </message>
    <message>
        <source>Something went wrong. Please see the staff.</source>
        <translation>Что-то пошло не так. Обратитесь к сотруднику банка.</translation>
    </message>
    <message>
        <source>The bank refused the registration.</source>
        <translation>Банк отказал в регистрации.</translation>
    </message>
    <message>
        <source>Your key has expired and cannot renew itself. Please see the staff: a new key set is made at the branch.</source>
        <translation>Срок действия ключа истёк, самостоятельная перегенерация невозможна. Обратитесь к сотруднику: новый комплект ключей изготавливается в отделении.</translation>
    </message>
    <message>
        <source>Your certificate has been revoked. Please see the staff.</source>
        <translation>Ваш сертификат отозван. Обратитесь к сотруднику банка.</translation>
    </message>
    <message>
        <source>This kiosk has no printer. Your act is saved: the staff can print it for you, or print it again at another kiosk.</source>
        <translation>В этом киоске нет принтера. Ваш акт сохранён: сотрудник банка может распечатать его, или вы можете распечатать его в другом киоске.</translation>
    </message>
    <message>
        <source>The printer is out of paper. Please ask the staff to add paper, then print again.</source>
        <translation>В принтере закончилась бумага. Попросите сотрудника банка добавить бумагу и распечатайте снова.</translation>
    </message>
    <message>
        <source>The printer is not ready. Please ask the staff, then print again.</source>
        <translation>Принтер не готов. Обратитесь к сотруднику банка и распечатайте снова.</translation>
    </message>
    <message>
        <source>Printing failed. Please try again or ask the staff.</source>
        <translation>Печать не удалась. Попробуйте ещё раз или обратитесь к сотруднику банка.</translation>
    </message>
    <message>
        <source>The bank cannot be reached right now. Please try again later.</source>
        <translation>Банк сейчас недоступен. Пожалуйста, повторите попытку позже.</translation>
    </message>
    <message>
        <source>This token holds no staff certificate of this bank.</source>
        <translation>На этом токене нет сертификата сотрудника банка.</translation>
    </message>
    <message>
        <source>The staff certificate on this token is not valid now (expired, not yet valid or not issued by the bank).</source>
        <translation>Сертификат сотрудника на этом токене сейчас недействителен (истёк, ещё не действует или выдан не банком).</translation>
    </message>
    <message>
        <source>The staff token was removed: staff mode has ended. The client&apos;s keys were not changed.</source>
        <translation>Токен сотрудника извлечён: режим сотрудника завершён. Ключи клиента не изменены.</translation>
    </message>
    <message>
        <source>Staff mode has ended. The client&apos;s keys were not changed.</source>
        <translation>Режим сотрудника завершён. Ключи клиента не изменены.</translation>
    </message>
    <message>
        <source>The token was removed before the step finished.</source>
        <translation>Токен был извлечён до завершения шага.</translation>
    </message>
    <message>
        <source>The token could not generate a new key.</source>
        <translation>Токен не смог создать новый ключ.</translation>
    </message>
    <message>
        <source>The token could not store the data.</source>
        <translation>Токен не смог сохранить данные.</translation>
    </message>
    <message>
        <source>A key on the token cannot be trusted for signing. Please see the staff.</source>
        <translation>Ключу на токене нельзя доверить подпись. Обратитесь к сотруднику банка.</translation>
    </message>
    <message>
        <source>The bank&apos;s answer could not be processed. Please see the staff.</source>
        <translation>Ответ банка не удалось обработать. Обратитесь к сотруднику банка.</translation>
    </message>
    <message>
        <source>The new certificate from the bank did not pass the checks and was not installed.</source>
        <translation>Новый сертификат от банка не прошёл проверку и не был установлен.</translation>
    </message>
</context>
<context>
    <name>ExplainScreen</name>
    <message>
        <source>Renewing your keys: what will happen</source>
        <translation>Перегенерация ключей: что будет происходить</translation>
    </message>
    <message>
        <source>You enter your token&apos;s PIN on the keypad on this screen.</source>
        <translation>Вы вводите ПИН-код токена на клавиатуре на этом экране.</translation>
    </message>
    <message>
        <source>You draw on the screen with your finger. This makes your new keys unpredictable.</source>
        <translation>Вы рисуете пальцем на экране. Так ваши новые ключи становятся непредсказуемыми.</translation>
    </message>
    <message>
        <source>A new key pair is generated on your token. Your current keys stay on it and keep working.</source>
        <translation>На токене создаётся новая ключевая пара. Текущие ключи остаются на нём и продолжают работать.</translation>
    </message>
    <message>
        <source>The request, signed with your current key, is sent to the bank.</source>
        <translation>Запрос, подписанный текущим ключом, отправляется в банк.</translation>
    </message>
    <message>
        <source>When the bank registers it, the new certificate is written to your token. If the bank needs time, you may leave and come back later: your request is kept.</source>
        <translation>Когда банк зарегистрирует запрос, новый сертификат будет записан на ваш токен. Если банку нужно время, вы можете уйти и вернуться позже: ваш запрос сохранится.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Начать</translation>
    </message>
    <message>
        <source>Your new key pair is already on your token, from your last visit: it is used again. Your current keys keep working.</source>
        <translation>Новая ключевая пара уже есть на вашем токене с прошлого визита: она будет использована снова. Текущие ключи продолжают работать.</translation>
    </message>
</context>
<context>
    <name>IdleOverlay</name>
    <message>
        <source>Are you still there?</source>
        <translation>Вы ещё здесь?</translation>
    </message>
    <message numerus="yes">
        <source>For your security the session ends in %n second(s).</source>
        <translation>
            <numerusform>В целях безопасности сеанс завершится через %n секунду.</numerusform>
            <numerusform>В целях безопасности сеанс завершится через %n секунды.</numerusform>
            <numerusform>В целях безопасности сеанс завершится через %n секунд.</numerusform>
        </translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Продолжить</translation>
    </message>
    <message>
        <source>Continue the session</source>
        <translation>Продолжить сеанс</translation>
    </message>
</context>
<context>
    <name>InsertTokenScreen</name>
    <message>
        <source>Insert your token</source>
        <translation>Вставьте ваш токен</translation>
    </message>
    <message>
        <source>Here you can renew the signing keys of your remote banking system and pick up your new certificate. Insert the USB token with your keys into the reader.</source>
        <translation>Здесь вы можете перегенерировать ключи подписи для системы дистанционного банковского обслуживания и получить новый сертификат. Вставьте USB-токен с вашими ключами.</translation>
    </message>
    <message>
        <source>Your session ended because nothing happened for a while. Remove your token, then insert it again to continue.</source>
        <translation>Сеанс завершён, потому что долгое время ничего не происходило. Извлеките токен и вставьте его снова, чтобы продолжить.</translation>
    </message>
    <message>
        <source>The token was removed before the renewal finished.</source>
        <translation>Токен был извлечён до завершения перегенерации.</translation>
    </message>
    <message>
        <source>Insert the token again to continue.</source>
        <translation>Вставьте токен снова, чтобы продолжить.</translation>
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
        <translation>Код ошибки: %1</translation>
    </message>
</context>
<context>
    <name>NumberPad</name>
    <message>
        <source>Erase</source>
        <translation>Стереть</translation>
    </message>
</context>
<context>
    <name>OutOfServiceScreen</name>
    <message>
        <source>Temporarily out of service</source>
        <translation>Временно не работает</translation>
    </message>
    <message>
        <source>Error code: %1</source>
        <translation>Код ошибки: %1</translation>
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
        <translation>Наберите ПИН-код</translation>
    </message>
    <message>
        <source>Erase the last digit</source>
        <translation>Стереть последнюю цифру</translation>
    </message>
    <message>
        <source>Confirm the PIN</source>
        <translation>Подтвердить ПИН-код</translation>
    </message>
</context>
<context>
    <name>PinScreen</name>
    <message>
        <source>Enter your PIN to pick up your certificate</source>
        <translation>Введите ПИН-код, чтобы получить сертификат</translation>
    </message>
    <message>
        <source>Enter your token&apos;s PIN</source>
        <translation>Введите ПИН-код токена</translation>
    </message>
    <message>
        <source>Cover the keypad with your hand. The keys are in a new order each time.</source>
        <translation>Прикройте клавиатуру рукой. Цифры каждый раз расположены по-новому.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>Staff: enter the PIN of your staff token</source>
        <translation>Сотрудник: введите PIN-код своего служебного токена</translation>
    </message>
    <message>
        <source>Client: enter the PIN of your own token</source>
        <translation>Клиент: введите PIN-код своего токена</translation>
    </message>
    <message>
        <source>Staff, please look away. Cover the keypad with your hand: the keys are in a new order each time.</source>
        <translation>Сотрудника просим отвернуться. Прикройте клавиатуру рукой: кнопки каждый раз в новом порядке.</translation>
    </message>
</context>
<context>
    <name>ReadingTokenScreen</name>
    <message>
        <source>Reading your token…</source>
        <translation>Читаем ваш токен…</translation>
    </message>
    <message>
        <source>Please do not remove it.</source>
        <translation>Пожалуйста, не извлекайте его.</translation>
    </message>
</context>
<context>
    <name>RefusedScreen</name>
    <message>
        <source>The bank refused the registration</source>
        <translation>Получен отказ в регистрации</translation>
    </message>
    <message>
        <source>Your current keys still work. You may start a new request.</source>
        <translation>Ваши текущие ключи продолжают работать. Вы можете создать новый запрос.</translation>
    </message>
    <message>
        <source>The bank&apos;s reason:</source>
        <translation>Причина, указанная банком:</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Назад</translation>
    </message>
    <message>
        <source>New request</source>
        <translation>Новый запрос</translation>
    </message>
</context>
<context>
    <name>RenewalErrorScreen</name>
    <message>
        <source>Please see the staff</source>
        <translation>Обратитесь к сотруднику банка</translation>
    </message>
    <message>
        <source>The renewal did not complete</source>
        <translation>Перегенерация не завершена</translation>
    </message>
    <message>
        <source>Error code: %1</source>
        <translation>Код ошибки: %1</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Назад</translation>
    </message>
</context>
<context>
    <name>Sitting</name>
    <message>
        <source>This token belongs to another organization (%1). It cannot join the sitting of %2: please take it out.</source>
        <translation>Этот токен принадлежит другой организации (%1). Он не может участвовать в сеансе %2: извлеките его, пожалуйста.</translation>
    </message>
    <message>
        <source>waiting for their token</source>
        <translation>ожидает свой токен</translation>
    </message>
    <message>
        <source>reading the token</source>
        <translation>токен читается</translation>
    </message>
    <message>
        <source>ready to renew</source>
        <translation>готов к регенерации</translation>
    </message>
    <message>
        <source>renewing</source>
        <translation>идёт регенерация</translation>
    </message>
    <message>
        <source>accepted by the bank</source>
        <translation>принят банком</translation>
    </message>
    <message>
        <source>certificate received</source>
        <translation>получен новый сертификат</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>получен отказ в регистрации</translation>
    </message>
    <message>
        <source>needs the staff</source>
        <translation>нужен сотрудник банка</translation>
    </message>
    <message>
        <source>in operation: nothing to renew</source>
        <translation>в эксплуатации: регенерация не нужна</translation>
    </message>
</context>
<context>
    <name>SittingBoardScreen</name>
    <message>
        <source>Signers of %1</source>
        <translation>Подписанты %1</translation>
    </message>
    <message>
        <source>INN %1 · sitting %2</source>
        <translation>ИНН %1 · сеанс %2</translation>
    </message>
    <message>
        <source>The session timed out. Take the token out; the next signer inserts theirs.</source>
        <translation>Время сеанса истекло. Извлеките токен; следующий подписант вставляет свой.</translation>
    </message>
    <message>
        <source>Next signer: insert your own token.</source>
        <translation>Следующий подписант: вставьте свой токен.</translation>
    </message>
    <message>
        <source>When you are done, take your token out: the next signer inserts theirs.</source>
        <translation>Когда закончите, извлеките свой токен: следующий подписант вставит свой.</translation>
    </message>
    <message>
        <source>Request %1</source>
        <translation>Запрос %1</translation>
    </message>
    <message>
        <source>Pick up</source>
        <translation>Получить</translation>
    </message>
    <message>
        <source>Recover (staff)</source>
        <translation>Восстановить (сотрудник)</translation>
    </message>
    <message>
        <source>New request</source>
        <translation>Новый запрос</translation>
    </message>
    <message>
        <source>Renew</source>
        <translation>Перегенерировать</translation>
    </message>
    <message>
        <source>Each signer&apos;s act is printed after their certificate. Finishing prints the sitting&apos;s summary; requests still with the bank are picked up later, at any kiosk.</source>
        <translation>Акт каждого подписанта печатается после получения его сертификата. При завершении печатается сводка сеанса; запросы, которые ещё в банке, подписант получит позже в любом киоске.</translation>
    </message>
    <message>
        <source>Finish the sitting</source>
        <translation>Завершить сеанс</translation>
    </message>
</context>
<context>
    <name>Staff</name>
    <message>
        <source>Check the client&apos;s identity document.</source>
        <translation>Проверьте документ, удостоверяющий личность клиента.</translation>
    </message>
    <message>
        <source>Take the application signed by the head of the organization, with the stamp.</source>
        <translation>Примите заявление, подписанное руководителем организации, с печатью.</translation>
    </message>
    <message>
        <source>Enter the application&apos;s number.</source>
        <translation>Введите номер заявления.</translation>
    </message>
    <message numerus="yes">
        <source>Enter the application&apos;s date as day, month and year. It cannot be in the future or older than %n days.</source>
        <translation>
            <numerusform>Введите дату заявления: день, месяц и год. Она не может быть в будущем или старше %n дня.</numerusform>
            <numerusform>Введите дату заявления: день, месяц и год. Она не может быть в будущем или старше %n дней.</numerusform>
            <numerusform>Введите дату заявления: день, месяц и год. Она не может быть в будущем или старше %n дней.</numerusform>
        </translation>
    </message>
    <message>
        <source>The SNILS is 11 digits and its check number does not match: check it against the application.</source>
        <translation>СНИЛС — 11 цифр, и его контрольное число не сходится: сверьте с заявлением.</translation>
    </message>
    <message>
        <source>The INN is 10 or 12 digits and its check digits do not match: check it against the application.</source>
        <translation>ИНН — 10 или 12 цифр, и его контрольные цифры не сходятся: сверьте с заявлением.</translation>
    </message>
    <message>
        <source>The certificate names no client of the bank: use the replacement case.</source>
        <translation>Сертификат не указывает клиента банка: выберите замену токена.</translation>
    </message>
</context>
<context>
    <name>StaffBanner</name>
    <message numerus="yes">
        <source>Staff mode ends in %n s</source>
        <translation>
            <numerusform>Режим сотрудника завершится через %n с</numerusform>
            <numerusform>Режим сотрудника завершится через %n с</numerusform>
            <numerusform>Режим сотрудника завершится через %n с</numerusform>
        </translation>
    </message>
    <message>
        <source>End staff mode</source>
        <translation>Завершить режим сотрудника</translation>
    </message>
    <message>
        <source>Staff mode</source>
        <translation>Режим сотрудника</translation>
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
        <translation>Режим сотрудника</translation>
    </message>
    <message>
        <source>Staff token</source>
        <translation>Токен сотрудника</translation>
    </message>
    <message>
        <source>Insert the client&apos;s token in the second place. The staff token stays in: removing it ends staff mode.</source>
        <translation>Вставьте токен клиента во второе гнездо. Токен сотрудника остаётся на месте: если его извлечь, режим сотрудника завершится.</translation>
    </message>
    <message>
        <source>A staff token is in the kiosk. Log in with its PIN to start staff mode.</source>
        <translation>В киоске токен сотрудника. Войдите с его PIN-кодом, чтобы начать режим сотрудника.</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Войти</translation>
    </message>
</context>
<context>
    <name>Statuses</name>
    <message>
        <source>initial generation needed</source>
        <translation>необходима начальная генерация</translation>
    </message>
    <message>
        <source>in operation</source>
        <translation>в эксплуатации</translation>
    </message>
    <message>
        <source>primary regeneration needed</source>
        <translation>необходима первичная регенерация</translation>
    </message>
    <message>
        <source>planned regeneration needed</source>
        <translation>необходима плановая регенерация</translation>
    </message>
    <message>
        <source>accepted by the bank</source>
        <translation>принят банком</translation>
    </message>
    <message>
        <source>new certificate received</source>
        <translation>получен новый сертификат</translation>
    </message>
    <message>
        <source>registration refused</source>
        <translation>получен отказ в регистрации</translation>
    </message>
    <message>
        <source>expired: see the staff</source>
        <translation>срок действия истёк: обратитесь к сотруднику банка</translation>
    </message>
    <message>
        <source>not yet valid: see the staff</source>
        <translation>срок действия ещё не начался: обратитесь к сотруднику банка</translation>
    </message>
    <message>
        <source>working</source>
        <translation>рабочий</translation>
    </message>
    <message>
        <source>certificate unreadable: see the staff</source>
        <translation>сертификат не читается: обратитесь к сотруднику банка</translation>
    </message>
</context>
<context>
    <name>TokenScreen</name>
    <message>
        <source>Your token</source>
        <translation>Ваш токен</translation>
    </message>
    <message>
        <source>%1, serial number %2</source>
        <translation>%1, серийный номер %2</translation>
    </message>
    <message>
        <source>A key set on this token needs your attention. See its status below.</source>
        <translation>Комплект ключей на этом токене требует вашего внимания. Смотрите статус ниже.</translation>
    </message>
    <message>
        <source>Select a subscriber</source>
        <translation>Выберите абонента</translation>
    </message>
    <message>
        <source>Subscriber</source>
        <translation>Абонент</translation>
    </message>
    <message>
        <source>Identifier</source>
        <translation>Идентификатор</translation>
    </message>
    <message>
        <source>Cryptography</source>
        <translation>Криптография</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Signature parameters</source>
        <translation>Параметры подписи</translation>
    </message>
    <message>
        <source>Profile name</source>
        <translation>Наименование профиля</translation>
    </message>
    <message>
        <source>Key type</source>
        <translation>Тип ключа</translation>
    </message>
    <message>
        <source>Start of the validity period</source>
        <translation>Дата начала срока эксплуатации</translation>
    </message>
    <message>
        <source>End of the validity period</source>
        <translation>Дата окончания срока эксплуатации</translation>
    </message>
    <message>
        <source>You can renew the keys of this profile now.</source>
        <translation>Ключи этого профиля можно перегенерировать сейчас.</translation>
    </message>
    <message>
        <source>Your request is with the bank. Enter your PIN to pick up the certificate.</source>
        <translation>Ваш запрос принят банком. Введите ПИН-код, чтобы получить сертификат.</translation>
    </message>
    <message>
        <source>The bank refused the last request. You can make a new one.</source>
        <translation>Банк отказал в последнем запросе. Вы можете создать новый.</translation>
    </message>
    <message>
        <source>These keys cannot be renewed at the kiosk. Please see the staff.</source>
        <translation>Эти ключи нельзя перегенерировать в киоске. Обратитесь к сотруднику банка.</translation>
    </message>
    <message>
        <source>Nothing to do for this profile.</source>
        <translation>Для этого профиля действий не требуется.</translation>
    </message>
    <message>
        <source>Pick up the certificate</source>
        <translation>Получить сертификат</translation>
    </message>
    <message>
        <source>Renew the keys</source>
        <translation>Перегенерировать ключи</translation>
    </message>
    <message>
        <source>Print the act again</source>
        <translation>Распечатать акт снова</translation>
    </message>
    <message>
        <source>Your new certificate is on the token. Enter your PIN to finish: the bank is told and your keys switch.</source>
        <translation>Новый сертификат уже на токене. Введите ПИН-код, чтобы завершить: банк получит подтверждение, и вы перейдёте на новые ключи.</translation>
    </message>
    <message>
        <source>Print the act</source>
        <translation>Распечатать акт</translation>
    </message>
    <message>
        <source>The PIN of this token is locked: nothing on it can be used. Give the client a new token and run the replacement case on it.</source>
        <translation>PIN-код этого токена заблокирован: ничем на нём воспользоваться нельзя. Выдайте клиенту новый токен и выполните на нём замену токена.</translation>
    </message>
    <message>
        <source>Staff: choose the recovery case.</source>
        <translation>Сотрудник: выберите вид восстановления.</translation>
    </message>
    <message>
        <source>Nothing staff can recover here.</source>
        <translation>Здесь нечего восстанавливать.</translation>
    </message>
    <message>
        <source>Recover the expired key</source>
        <translation>Восстановить истёкший ключ</translation>
    </message>
    <message>
        <source>First key</source>
        <translation>Начальная генерация</translation>
    </message>
    <message>
        <source>Replacement token</source>
        <translation>Замена токена</translation>
    </message>
    <message>
        <source>Several signers</source>
        <translation>Несколько подписантов</translation>
    </message>
    <message>
        <source>Several signers of this organization renew now</source>
        <translation>Несколько подписантов этой организации перегенерируют ключи сейчас</translation>
    </message>
    <message>
        <source>The bank&apos;s reason</source>
        <translation>Причина отказа банка</translation>
    </message>
    <message>
        <source>New request</source>
        <translation>Новый запрос</translation>
    </message>
</context>
<context>
    <name>TopBar</name>
    <message>
        <source>Key renewal kiosk</source>
        <translation>Киоск перегенерации ключей</translation>
    </message>
    <message>
        <source>High contrast</source>
        <translation>Высокий контраст</translation>
    </message>
</context>
<context>
    <name>WithBankScreen</name>
    <message>
        <source>Accepted by the bank</source>
        <translation>Принят банком</translation>
    </message>
    <message>
        <source>The bank is registering your new key. This screen updates by itself when the certificate is ready.</source>
        <translation>Банк регистрирует ваш новый ключ. Экран обновится сам, когда сертификат будет готов.</translation>
    </message>
    <message>
        <source>Request number</source>
        <translation>Номер запроса</translation>
    </message>
    <message>
        <source>Subscriber</source>
        <translation>Абонент</translation>
    </message>
    <message>
        <source>Identifier</source>
        <translation>Идентификатор</translation>
    </message>
    <message>
        <source>You may leave now. Next time, insert your token at any kiosk and choose &quot;Pick up the certificate&quot;. Your current keys keep working until then.</source>
        <translation>Можно уйти. В следующий раз вставьте токен в любом киоске и выберите «Получить сертификат». До тех пор текущие ключи продолжают работать.</translation>
    </message>
    <message>
        <source>I will come back later</source>
        <translation>Я вернусь позже</translation>
    </message>
    <message>
        <source>Printing…</source>
        <translation>Печатаем…</translation>
    </message>
    <message>
        <source>Take your slip from the printer.</source>
        <translation>Заберите квитанцию из принтера.</translation>
    </message>
    <message>
        <source>Print the slip</source>
        <translation>Распечатать квитанцию</translation>
    </message>
    <message>
        <source>The bank cannot be reached right now. The kiosk keeps trying and goes on by itself when the bank answers. You may also take your token and come back later, at any kiosk: your request is kept.</source>
        <translation>Банк сейчас недоступен. Киоск продолжает попытки и сам продолжит, когда банк ответит. Вы также можете забрать токен и вернуться позже, в любой киоск: ваш запрос сохранён.</translation>
    </message>
</context>
<context>
    <name>WorkingScreen</name>
    <message>
        <source>Checking the PIN…</source>
        <translation>Проверяем ПИН-код…</translation>
    </message>
    <message>
        <source>Generating your new key on the token…</source>
        <translation>Создаём новый ключ на токене…</translation>
    </message>
    <message>
        <source>Signing the request and sending it to the bank…</source>
        <translation>Подписываем запрос и отправляем в банк…</translation>
    </message>
    <message>
        <source>Please do not remove your token.</source>
        <translation>Пожалуйста, не извлекайте токен.</translation>
    </message>
    <message numerus="yes">
        <source>%n second(s)</source>
        <translation>
            <numerusform>%n секунда</numerusform>
            <numerusform>%n секунды</numerusform>
            <numerusform>%n секунд</numerusform>
        </translation>
    </message>
    <message>
        <source>Asking the bank for your certificate…</source>
        <translation>Запрашиваем ваш сертификат в банке…</translation>
    </message>
    <message>
        <source>Switching your token to the new keys…</source>
        <translation>Переводим токен на новые ключи…</translation>
    </message>
    <message>
        <source>Checking the PIN and the staff certificate…</source>
        <translation>Проверяем PIN-код и сертификат сотрудника…</translation>
    </message>
</context>
<context>
    <name>kk::JourneyController</name>
    <message>
        <source>Nothing was changed on your token: your current key still works.</source>
        <translation>На токене ничего не изменилось: текущий ключ продолжает работать.</translation>
    </message>
    <message>
        <source>Your current key still works. Next time the kiosk reads the token and continues from what is on it.</source>
        <translation>Текущий ключ продолжает работать. В следующий раз киоск прочитает токен и продолжит с того, что на нём есть.</translation>
    </message>
    <message>
        <source>Your current key still works. The new key stays on your token, but the bank has not received the request yet: next time the kiosk sends it, with no drawing.</source>
        <translation>Текущий ключ продолжает работать. Новый ключ остаётся на токене, но банк ещё не получил запрос: в следующий раз киоск отправит его, рисовать не нужно.</translation>
    </message>
    <message>
        <source>Your current key still works. The bank has received your request.</source>
        <translation>Текущий ключ продолжает работать. Банк получил ваш запрос.</translation>
    </message>
    <message>
        <source>Your current key still works. The bank has received your request %1.</source>
        <translation>Текущий ключ продолжает работать. Банк получил ваш запрос %1.</translation>
    </message>
    <message>
        <source>Your current key still works. The bank keeps your request: next time, at any kiosk, you continue where you left off.</source>
        <translation>Текущий ключ продолжает работать. Банк сохраняет ваш запрос: в следующий раз, в любом киоске, вы продолжите с того же места.</translation>
    </message>
    <message>
        <source>Your current key still works. The bank keeps your request %1: next time, at any kiosk, you continue where you left off.</source>
        <translation>Текущий ключ продолжает работать. Банк сохраняет ваш запрос %1: в следующий раз, в любом киоске, вы продолжите с того же места.</translation>
    </message>
    <message>
        <source>Your current key still works. Your new certificate is on the token: next time the kiosk tells the bank and switches your keys.</source>
        <translation>Текущий ключ продолжает работать. Новый сертификат уже на токене: в следующий раз киоск сообщит банку и переведёт вас на новые ключи.</translation>
    </message>
    <message>
        <source>The bank has confirmed your new certificate. Next time the kiosk finishes switching your token to the new keys.</source>
        <translation>Банк подтвердил ваш новый сертификат. В следующий раз киоск завершит перевод токена на новые ключи.</translation>
    </message>
    <message>
        <source>Your new keys are in operation.</source>
        <translation>Ваши новые ключи введены в эксплуатацию.</translation>
    </message>
</context>
<context>
    <name>kk::PinPadController</name>
    <message>
        <source>A wrong PIN was entered before. The token allows only a few more tries.</source>
        <translation>Ранее был введён неверный ПИН-код. Токен допускает лишь несколько попыток.</translation>
    </message>
    <message>
        <source>Last try: one more wrong PIN locks the token.</source>
        <translation>Последняя попытка: ещё один неверный ПИН-код заблокирует токен.</translation>
    </message>
    <message>
        <source>The PIN is locked. Please see the staff.</source>
        <translation>ПИН-код заблокирован. Обратитесь к сотруднику банка.</translation>
    </message>
    <message>
        <source>The PIN must be changed first. Please see the staff.</source>
        <translation>Сначала нужно сменить ПИН-код. Обратитесь к сотруднику банка.</translation>
    </message>
</context>
</TS>
