package dev.fallbackwatch.incidents;

/** One running process on one device: what an incident follows across buckets. */
record ProcessInstance(String deviceName, String processFileName, Long processId) {}
