import CStemmer

/// Snowball stemmers (libstemmer): Russian for Cyrillic words, English for Latin ones, none for
/// numbers. Not thread-safe: one per thread. Remembers the stems it has made.
final class Stemmer {
    private let russian: OpaquePointer?
    private let english: OpaquePointer?
    private var cache: [String: String] = [:]

    init() {
        russian = sb_stemmer_new("russian", "UTF_8")
        english = sb_stemmer_new("english", "UTF_8")
    }

    deinit {
        if let russian { sb_stemmer_delete(russian) }
        if let english { sb_stemmer_delete(english) }
    }

    /// The stem of a normalised word; a compound's parts are stemmed one by one
    /// («тест-драйва» → «тест-драйв»).
    func stem(_ word: String) -> String {
        if let known = cache[word] { return known }
        let result: String
        if word.unicodeScalars.contains("-") {
            result = word.split(separator: "-").map { stemPart(String($0)) }.joined(separator: "-")
        } else {
            result = stemPart(word)
        }
        cache[word] = result
        return result
    }

    /// The stem of a normalised word given as UTF-8 (no cache: callers intern words).
    func stem(bytes word: ArraySlice<UInt8>) -> String {
        if word.contains(UInt8(ascii: "-")) {
            return word.split(separator: UInt8(ascii: "-")).map { stemPart(String(decoding: $0, as: UTF8.self)) }.joined(separator: "-")
        }
        return stemPart(String(decoding: word, as: UTF8.self))
    }

    private func stemPart(_ word: String) -> String {
        var cyrillic = false, latin = false
        for u in word.unicodeScalars {
            if (0x400...0x4FF).contains(u.value) { cyrillic = true; break }
            if (u >= "a" && u <= "z") { latin = true }
        }
        guard let stemmer = cyrillic ? russian : (latin ? english : nil) else { return word }
        var bytes = Array(word.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer -> String in
            guard let out = sb_stemmer_stem(stemmer, buffer.baseAddress, Int32(buffer.count)) else { return word }
            let length = Int(sb_stemmer_length(stemmer))
            let stem = String(decoding: UnsafeBufferPointer(start: out, count: length), as: UTF8.self)
            return stem.isEmpty ? word : stem
        }
    }
}
