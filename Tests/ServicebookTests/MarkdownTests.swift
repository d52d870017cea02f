import BookMarkdown
import BookModel
import Testing

/// The Markdown stage: one parse of a body gives its headings, links and readable text.
@Suite("The Markdown stage")
struct MarkdownTests {
    @Test("one walk gives the headings with anchors, the links at their places, and the text a reader sees without the headings")
    func facts() {
        let body = """
        ## Что делать
        Ответить до **третьего** гудка по [скрипту](../scripts/call.md#начало).
        Вторая строка абзаца.

        ### Что `не` говорить
        - пункт <b>жирный</b>
        - ещё

        | Фраза | Замена |
        |---|---|
        | Не знаю | Уточню |

        ```
        код
        ```
        ![схема](files/plan.png)
        """
        let facts = MarkdownReader.read(body, firstLine: 5)
        #expect(facts.headings.map(\.text) == ["Что делать", "Что не говорить"])
        #expect(facts.headings.map(\.anchor) == ["что-делать", "что-не-говорить"])
        #expect(facts.headings.map(\.line) == [5, 9])
        #expect(facts.links.map(\.destination) == ["../scripts/call.md#начало", "files/plan.png"])
        #expect(facts.links.map(\.line) == [6, 20])
        #expect(facts.links[0].column == 45 && facts.links[1].isImage)
        #expect(!facts.isBlank)
        #expect(facts.text == "Ответить до третьего гудка по скрипту. Вторая строка абзаца.\nпункт жирный\nещё\nФраза\nЗамена\nНе знаю\nУточню\nкод\nсхема")
        #expect(!facts.text.contains("Что делать"), "headings are apart from the text")
    }

    @Test("a blank body has no facts and no text")
    func blank() {
        let facts = MarkdownReader.read(" \n\t\n", firstLine: 3)
        #expect(facts.isBlank && facts.headings.isEmpty && facts.links.isEmpty && facts.text.isEmpty)
    }
}
