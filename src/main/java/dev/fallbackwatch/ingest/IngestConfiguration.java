package dev.fallbackwatch.ingest;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Binds the ingest limits. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IngestLimits.class)
class IngestConfiguration {}
