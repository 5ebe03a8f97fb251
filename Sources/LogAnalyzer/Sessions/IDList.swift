/// Ids a session collected (job ids, participant identities or sids), in the order first seen.
///
/// A few are searched in place, as most sessions hold one or two; past `linearLimit` a set
/// answers instead: a room that lives the whole log with a new participant on every line (a
/// lobby, a server's load test) made each of its lines walk all the earlier ones.
struct IDList {
    private(set) var items: [String] = []
    private var lookup: Set<String> = []
    static let linearLimit = 8

    init() {}

    var count: Int { items.count }
    var first: String? { items.first }

    func contains(_ id: String) -> Bool {
        items.count <= Self.linearLimit ? items.contains(id) : lookup.contains(id)
    }

    /// Appends `id` unless it is already there.
    mutating func insert(_ id: String) {
        guard !contains(id) else { return }
        items.append(id)
        guard items.count > Self.linearLimit else { return }
        if lookup.isEmpty { lookup = Set(items) } else { lookup.insert(id) }
    }
}
