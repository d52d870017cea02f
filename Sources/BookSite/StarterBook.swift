import BookModel
import Foundation

extension Scaffold {
    /// `servicebook init DIR`: a small starter book that passes `check --strict` and builds, and a
    /// `.gitignore` for the output. Refuses a folder that already has a `content` folder.
    /// Returns the paths written, relative to `folder`.
    @discardableResult
    public static func initBook(in folder: String) throws -> [String] {
        let root = URL(fileURLWithPath: folder)
        let content = root.appendingPathComponent("content")
        if FileManager.default.fileExists(atPath: content.path) {
            throw ServicebookError(.scaffold, path: content.path, "\(content.path) already exists: init creates a new book and changes nothing in an existing one")
        }
        let reviewed = Pipeline.today().description
        var files = starterFiles(reviewed: reviewed).map { ("content/" + $0.0, $0.1) }
        if !FileManager.default.fileExists(atPath: root.appendingPathComponent(".gitignore").path) {
            files.append((".gitignore", "# servicebook build output\n/_site/\n/._site.*\n"))
        }
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: url.path, contents: Data(text.utf8)) else {
                throw ServicebookError(.scaffold, path: url.path, "cannot write \(url.path)")
            }
        }
        return files.map(\.0)
    }

    static func starterFiles(reviewed: String) -> [(String, String)] {
        [
            ("book.yml", """
            title: Книга стандартов обслуживания
            organization: Наша компания
            language: ru
            description: Как мы встречаем клиентов, что говорим и за что отвечает каждый.
            edition: "1"
            review_interval_days: 365

            """),
            ("journeys/first-visit.md", """
            ---
            title: Первый визит клиента
            summary: От звонка клиента до его первого визита к нам.
            owner: manager
            reviewed: \(reviewed)
            stages:
              - id: contact
                title: Первый контакт
                summary: Клиент звонит, и мы договариваемся о встрече.
                steps: [incoming-call]
              - id: visit
                title: Визит
                summary: Клиент приходит, и мы помогаем ему с выбором.
                steps: [greeting, farewell]
            ---

            Путь клиента от первого звонка до завершения визита. Каждый шаг описывает, кто отвечает, что
            делать и что говорить. Добавляйте этапы и шаги по мере того, как описываете работу с клиентами.

            """),
            ("steps/incoming-call.md", """
            ---
            title: Входящий звонок
            summary: Оператор отвечает на звонок и приглашает клиента на встречу.
            responsible: operator
            script: incoming-call
            standards: [phone-etiquette]
            situations: [missed-call]
            channel: phone
            timing: ответ не позднее третьего гудка
            reviewed: \(reviewed)
            ---

            ## Порядок действий

            1. Ответьте до третьего гудка по [скрипту](../scripts/incoming-call.md#что-говорить).
            2. Узнайте имя клиента и цель звонка.
            3. Предложите встречу и назовите два варианта времени.
            4. Подтвердите договорённость и поблагодарите за звонок.

            """),
            ("steps/greeting.md", """
            ---
            title: Встреча клиента
            summary: Менеджер встречает клиента в первые 30 секунд после его прихода.
            responsible: manager
            script: greeting
            standards: [welcome]
            channel: in-person
            timing: в течение 30 секунд после прихода клиента
            reviewed: \(reviewed)
            ---

            ## Порядок действий

            1. Встаньте, улыбнитесь и поздоровайтесь первым.
            2. Представьтесь и спросите, как обращаться к клиенту.
            3. Уточните цель визита и предложите помощь.

            """),
            ("steps/farewell.md", """
            ---
            title: Завершение визита
            summary: Менеджер подводит итог визита и договаривается о следующем шаге.
            responsible: manager
            script: greeting
            standards: [welcome]
            channel: in-person
            reviewed: \(reviewed)
            ---

            ## Порядок действий

            1. Подведите итог: что клиент увидел и что решил.
            2. Договоритесь о следующем шаге и запишите его.
            3. Проводите клиента до выхода и поблагодарите за визит.

            """),
            ("situations/missed-call.md", """
            ---
            title: Пропущенный звонок
            summary: Клиент не дозвонился, и мы перезваниваем ему первыми.
            responsible: operator
            escalation: manager
            script: missed-call-callback
            severity: high
            standards: [phone-etiquette]
            channel: phone
            reviewed: \(reviewed)
            ---

            ## Что делать

            1. Перезвоните в течение 15 минут по [скрипту](../scripts/missed-call-callback.md).
            2. Извинитесь за ожидание и решите вопрос клиента.
            3. Если не дозвонились за три попытки, передайте звонок [менеджеру](../roles/manager.md#обязанности).

            """),
            ("roles/operator.md", """
            ---
            title: Оператор
            summary: Отвечает на звонки и записывает клиентов на встречу.
            reports_to: manager
            reviewed: \(reviewed)
            ---

            ## Обязанности

            - Отвечать на звонки клиентов.
            - Перезванивать на пропущенные звонки.
            - Записывать клиентов на встречу.

            """),
            ("roles/manager.md", """
            ---
            title: Менеджер
            summary: Встречает клиентов и ведёт их до решения.
            reviewed: \(reviewed)
            ---

            ## Обязанности

            - Встречать клиентов и помогать им с выбором.
            - Принимать звонки, которые не смог решить оператор.
            - Следить за выполнением стандартов.

            """),
            ("scripts/incoming-call.md", """
            ---
            title: Скрипт входящего звонка
            summary: Что говорить, когда клиент звонит впервые.
            channel: phone
            phrases:
              - avoid: "Алло"
                say: "Добрый день, компания «Наша компания», меня зовут Анна"
              - avoid: "Я не знаю"
                say: "Разрешите, я уточню и перезвоню вам в течение десяти минут"
            reviewed: \(reviewed)
            ---

            ## Что говорить

            1. «Добрый день, компания „Наша компания“, меня зовут [имя]. Как я могу к вам обращаться?»
            2. «[Имя клиента], подскажите, что вас интересует?»
            3. «Приглашаю вас к нам: удобно сегодня в [время] или завтра в [время]?»

            ## Чего не говорить

            - «Алло», «Слушаю».
            - «Это не ко мне».

            """),
            ("scripts/greeting.md", """
            ---
            title: Скрипт встречи клиента
            summary: Что говорить клиенту, когда он пришёл.
            channel: in-person
            phrases:
              - avoid: "Вы что-то хотели?"
                say: "Добрый день! Меня зовут Иван, чем могу помочь?"
            reviewed: \(reviewed)
            ---

            ## Что говорить

            1. «Добрый день! Меня зовут [имя]. Как я могу к вам обращаться?»
            2. «Рад вас видеть, [имя клиента]. Расскажите, что вы ищете?»

            ## Чего не говорить

            - «Вы что-то хотели?»

            """),
            ("scripts/missed-call-callback.md", """
            ---
            title: Скрипт обратного звонка
            summary: Что говорить, когда перезваниваем на пропущенный звонок.
            channel: phone
            phrases:
              - avoid: "Вы нам звонили?"
                say: "Добрый день! Вы звонили нам, извините, что не смогли ответить сразу"
            reviewed: \(reviewed)
            ---

            ## Что говорить

            1. «Добрый день, [имя клиента]! Это [имя], компания „Наша компания“. Вы звонили нам, извините, что не смогли ответить сразу. Чем могу помочь?»

            ## Чего не говорить

            - «Вы нам звонили?»

            """),
            ("standards/phone-etiquette.md", """
            ---
            title: Телефонные переговоры
            summary: Как мы отвечаем на звонки и перезваниваем клиентам.
            category: communication
            applies_to: [operator, manager]
            checks:
              - Трубку снимают не позднее третьего гудка
              - text: Сотрудник называет компанию и своё имя
                weight: 2
              - text: Пропущенный звонок перезвонен в течение 15 минут
                weight: 3
                critical: true
            reviewed: \(reviewed)
            ---

            Клиент судит о компании по первому звонку. Мы отвечаем быстро, представляемся и не оставляем
            пропущенные звонки без ответа.

            """),
            ("standards/welcome.md", """
            ---
            title: Встреча клиента
            summary: Как мы встречаем клиентов.
            category: principles
            checks:
              - text: Клиента приветствуют в течение 30 секунд
                weight: 2
                critical: true
              - Сотрудник представляется и спрашивает имя клиента
              - Клиента провожают до выхода
            reviewed: \(reviewed)
            ---

            Каждый клиент, который пришёл к нам, должен почувствовать, что его ждали. Мы замечаем его
            сразу, даже если заняты.

            """),
            ("glossary/customer-journey.md", """
            ---
            title: Путь клиента
            summary: Все шаги клиента от первого обращения до завершения визита.
            aliases: [пути клиента, путь клиента]
            reviewed: \(reviewed)
            ---

            Путь клиента — последовательность этапов и шагов, через которые проходит клиент. Для каждого
            шага книга называет ответственного, скрипт и стандарты.

            """),
            ("pages/introduction.md", """
            ---
            title: Введение
            summary: Зачем эта книга и как ею пользоваться.
            order: 1
            reviewed: \(reviewed)
            ---

            Эта книга описывает, как мы работаем с клиентами: что делать и что говорить на каждом шаге
            [пути клиента](../journeys/first-visit.md), кто за что отвечает и по каким стандартам нас
            оценивают. Найдите свою роль и прочитайте её памятку.

            """),
        ]
    }
}
