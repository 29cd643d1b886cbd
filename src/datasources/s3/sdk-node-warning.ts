/**
 * The AWS SDK warns once per process, on the first client, that its releases after January 2027
 * will need Node 22 (aws/aws-sdk-js-v3#7983). This release supports the Node 20 our engines still
 * allow, and the warning reached every CLI run and test log, where it reads like a fault of the
 * gateway; README says Node 20 is past its end of life. So it is turned off here with the
 * SDK's own documented switch, unless the operator set that switch either way. Import this module
 * before constructing an S3 client.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export {};
