package com.example.caches;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.vitals.agent.caffeine.SiteProbe;

/** Application code for CacheSiteTest: caches built and used in the shapes applications write. */
public class OrderService {

    public static Cache<Long, String> shared;

    public Cache<Long, String> customers;
    public Cache<Long, String> other;
    public LoadingCache<Long, String> loading;
    public Cache<Long, String> fromFactory;

    public OrderService() {
        other = SiteProbe.build();
        customers = SiteProbe.build();
    }

    public static void initShared() {
        shared = SiteProbe.build();
    }

    @SuppressWarnings("unchecked")
    public void buildLoading() {
        loading = (LoadingCache<Long, String>) SiteProbe.buildLoading();
    }

    public static Cache<Long, String> newCache() {
        return SiteProbe.build();
    }

    public void buildThroughFactory() {
        fromFactory = newCache();
    }

    public int buildIntoLocal() {
        Cache<Long, String> local = SiteProbe.build();
        return local.hashCode();
    }

    public String find(long id) {
        return SiteProbe.lookup(customers, id);
    }

    public String findEither(boolean flag, long id) {
        return SiteProbe.lookup(flag ? customers : other, id);
    }

    public String findThroughLocal(long id) {
        Cache<Long, String> cache = customers;
        return SiteProbe.lookup(cache, id);
    }

    public String findAll(long[] ids) {
        String found = null;
        for (long id : ids) {
            found = SiteProbe.lookup(other, id);
        }
        return found;
    }

    public String findBySwitch(int kind, long id) {
        switch (kind) {
            case 1:
                return SiteProbe.lookup(customers, id);
            case 2:
                return "two";
            case 3:
                return "three";
            default:
                break;
        }
        switch (kind) {
            case 100:
                return "hundred";
            case 100_000:
                return "many";
            default:
                return SiteProbe.lookup(other, id);
        }
    }
}
