#if canImport(Glibc)
import Glibc
#endif

enum Stderr {
    static func print(_ lines: [String]) {
        for line in lines { print(line) }
    }

    static func print(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { b in _ = write(2, b.baseAddress, b.count) }
    }
}
