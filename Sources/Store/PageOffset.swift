/// The row offset of a 1-based page: `(page - 1) * pageSize`, clamped to `Int64.max` instead of
/// overflowing (a huge `?page=` answers an empty page; it must never trap the process).
func pageOffset(page: Int, pageSize: Int) -> Int64 {
    let (offset, overflow) = Int64(max(0, page - 1)).multipliedReportingOverflow(by: Int64(max(0, pageSize)))
    return overflow ? Int64.max : offset
}
