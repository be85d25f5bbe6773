"""factory_boy factories for the directory. `.build()` where no database is needed."""

from datetime import time

import factory

from directory import models, vocabulary


def term(taxonomy: str, code: str) -> models.TaxonomyTerm:
    return models.TaxonomyTerm.objects.get(taxonomy=taxonomy, code=code)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organization

    name = factory.Sequence(lambda n: f"Fictional Community Trust {n}")
    description = "A fictional organisation for tests."
    website = factory.Sequence(lambda n: f"https://org{n}.example")
    ethnic_minority_led = True


class ServiceFactory(factory.django.DjangoModelFactory):
    """A service; pass `types=[...]`, `needs=[...]`, `communities=[...]`, `routes=[...]` codes."""

    class Meta:
        model = models.Service
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Fictional Service {n}")
    slug = factory.Sequence(lambda n: f"fictional-service-{n}")
    description = "Somewhere to talk, in a fictional place."

    @factory.post_generation
    def types(self, create, codes, **kwargs):
        if create and codes:
            self.service_types.set([term(vocabulary.SERVICE_TYPE, code) for code in codes])

    @factory.post_generation
    def needs_codes(self, create, codes, **kwargs):
        if create and codes:
            self.needs.set([term(vocabulary.NEED, code) for code in codes])

    @factory.post_generation
    def community_codes(self, create, codes, **kwargs):
        if create and codes:
            self.communities.set([term(vocabulary.COMMUNITY, code) for code in codes])

    @factory.post_generation
    def routes(self, create, codes, **kwargs):
        if create and codes:
            self.access_routes.set([term(vocabulary.ACCESS_ROUTE, code) for code in codes])


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Location

    name = "Fictional Community Centre"
    address_1 = factory.Sequence(lambda n: f"{n} Imaginary Street")
    town = "Wolverhampton"
    postcode = "WV1 9ZZ"
    latitude = 52.5862
    longitude = -2.1288


class ServiceAtLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ServiceAtLocation

    service = factory.SubFactory(ServiceFactory)
    location = factory.SubFactory(LocationFactory)


class ServiceLanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ServiceLanguage

    service = factory.SubFactory(ServiceFactory)
    language_id = "pa"
    provision = models.ServiceLanguage.Provision.STAFF


class PhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Phone

    service = factory.SubFactory(ServiceFactory)
    number = factory.Sequence(lambda n: f"0121 496 0{n % 1000:03d}")


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Schedule

    service = factory.SubFactory(ServiceFactory)
    weekday = 0
    opens_at = time(9, 0)
    closes_at = time(17, 0)
