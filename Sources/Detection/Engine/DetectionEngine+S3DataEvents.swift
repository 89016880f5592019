import GuardDutyModel

/// S3 Protection: which CloudTrail events are S3 data events, analysed only while the S3_DATA_EVENTS feature is in
/// force (`s3DataEvents`).
extension DetectionEngine {
    /// Object-level S3 APIs, which CloudTrail records as data events.
    static let s3ObjectAPIs: Set<String> = [
        "GetObject", "GetObjectAcl", "GetObjectAttributes", "GetObjectTagging", "GetObjectRetention", "GetObjectLegalHold", "GetObjectTorrent",
        "HeadObject", "PutObject", "PutObjectAcl", "PutObjectTagging", "PutObjectRetention", "PutObjectLegalHold", "CopyObject",
        "DeleteObject", "DeleteObjects", "DeleteObjectTagging", "ListObjects", "ListObjectsV2", "ListObjectVersions", "ListMultipartUploads",
        "ListParts", "CreateMultipartUpload", "UploadPart", "UploadPartCopy", "CompleteMultipartUpload", "AbortMultipartUpload",
        "RestoreObject", "SelectObjectContent", "WriteGetObjectResponse",
    ]

    /// A CloudTrail S3 data event: marked so (`eventCategory` Data, `managementEvent` false), or an object-level API.
    public static func isS3DataEvent(_ event: CloudTrailEvent) -> Bool {
        guard event.eventSource == "s3.amazonaws.com" else { return false }
        if event.eventCategory == "Data" || event.managementEvent == false { return true }
        if event.eventCategory == "Management" || event.managementEvent == true { return false }
        return Self.s3ObjectAPIs.contains(event.eventName)
    }
}
