/// The S3 API family GuardDuty names S3 threat-intelligence findings after.
enum S3Purpose: Equatable {
    case discovery, exfiltration, impact

    static func of(_ api: String) -> S3Purpose {
        if api.hasPrefix("List") || api.hasPrefix("Head") || api.hasSuffix("Acl") && api.hasPrefix("Get") || api == "GetObjectAttributes"
            || api == "GetObjectTagging"
        {
            return .discovery
        }
        if ["GetObject", "CopyObject", "UploadPartCopy", "SelectObjectContent", "RestoreObject", "GetObjectTorrent"].contains(api) {
            return .exfiltration
        }
        return .impact
    }
}
