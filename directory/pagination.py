from rest_framework.pagination import PageNumberPagination


class DirectoryPagination(PageNumberPagination):
    """`page` and `page_size` (at most 100) on every directory list."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
