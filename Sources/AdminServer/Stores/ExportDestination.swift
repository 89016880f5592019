/// A publishing destination claimed for one export run: where its findings go and whose they are.
struct ExportDestination: Sendable {
    var id: String
    var arn: String
    var status: String
    var account: String
    var region: String
    var kmsKeyArn: String?
}
